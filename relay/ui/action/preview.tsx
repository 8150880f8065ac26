// What a press would send now, as the relay builds it (tags filled in, secrets masked): the answer of
// the preview endpoint for the action in the form, saved or not.
import type { Preview } from "../types";

function headerLines(h: Record<string, string | string[]>): string {
  return Object.entries(h)
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => k + ": " + x) : [k + ": " + v]))
    .join("\n");
}

export function PreviewView({ p }: { p: Preview }) {
  return (
    <section class="preview" aria-labelledby="preview-title">
      <h3 id="preview-title" tabIndex={-1}>
        The request a press would send now
      </h3>
      <pre class="wire" data-testid="preview">
        <b>
          {p.method} {p.url}
        </b>
        {"\n" + headerLines(p.headers)}
        {p.body !== null && p.body !== "" ? "\n\n" + p.body : ""}
      </pre>
      <p class="help">Secrets (credentials, secret-looking headers and parameters, callback tokens) are masked here; the real request carries them.</p>
    </section>
  );
}
