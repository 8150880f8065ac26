// Text from a server (error messages, realms, host names) goes into the feed and the log: keep it
// printable ASCII and short, so a hostile or broken server cannot write control characters or
// megabytes there.

/** `s` with every character outside printable ASCII as "?", cut at `max` characters ("..." after). */
export function printable(s: string, max = 160): string {
  const clean = s.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > max ? clean.slice(0, max) + "..." : clean;
}
