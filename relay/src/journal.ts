// Under systemd the relay's stderr is the journal, and systemd says so: JOURNAL_STREAM holds the
// "<device>:<inode>" of that stream. Log lines then start with a "<N>" syslog priority, which
// journald takes off and keeps as the record's priority (SyslogLevelPrefix=, on by default), so
// `journalctl -p warning` shows the warnings and errors; and they carry no time of their own, since
// journald records one. The check compares the stream itself: a child process that inherits the
// variable but writes elsewhere (a pipe, a file) keeps plain lines.
import { fstatSync } from "node:fs";

/** Syslog priorities of the log's levels: err, warning, info, debug. */
export const SYSLOG_PRIORITY = { error: 3, warn: 4, info: 6, debug: 7 } as const;

export function isJournalStream(fd = 2, env: NodeJS.ProcessEnv = process.env): boolean {
  const m = /^(\d+):(\d+)$/.exec(env.JOURNAL_STREAM ?? "");
  if (!m) return false;
  try {
    const s = fstatSync(fd, { bigint: true });
    return s.dev === BigInt(m[1]) && s.ino === BigInt(m[2]);
  } catch {
    return false;
  }
}
