// Headers and bodies as they went over the wire, for the inspector and the bins.
export function headerText(h: Record<string, string | string[]>): string {
  return Object.entries(h)
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => k + ": " + x) : [k + ": " + v]))
    .join("\n");
}

export function Body({ text, bytes, truncated }: { text: string; bytes: number; truncated: boolean }) {
  if (!bytes && !text) return <p class="muted">No body.</p>;
  return (
    <>
      <pre class="wire">{text}</pre>
      <p class="help">
        {bytes} bytes{truncated ? ", cut to what is shown" : ""}
      </p>
    </>
  );
}
