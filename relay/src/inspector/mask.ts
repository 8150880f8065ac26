// What the request inspector shows of a request or an answer: credentials, secret-looking headers
// and parameters, and callback tokens masked; bodies cut to a bound.
import { isSecretHeader, isSecretParam, REDACTED, redactCallbackTokens, redactUrl } from "../redact";

/** Headers that name no secret although their names look like it. */
const NOT_SECRET = new Set(["idempotency-key", "content-type", "content-length", "accept", "user-agent", "keep-alive"]);

export function maskHeaders(h: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k of Object.keys(h)) {
    const v = h[k];
    out[k] = !NOT_SECRET.has(k) && isSecretHeader(k) ? REDACTED : Array.isArray(v) ? v.map(redactCallbackTokens) : redactCallbackTokens(v);
  }
  return out;
}

export { redactUrl as maskUrl };

/**
 * A body as the inspector shows it: at most `maxBytes` (UTF-8), with secrets masked by its type.
 * `wholeBytes`: the size of the body it was cut from, when it was cut already.
 */
export function maskBody(body: string, contentType: string | undefined, maxBytes: number, wholeBytes?: number): { text: string; bytes: number; truncated: boolean } {
  const bytes = wholeBytes ?? Buffer.byteLength(body);
  const type = (contentType ?? "").toLowerCase();
  let text = body;
  if (type.includes("application/x-www-form-urlencoded")) text = maskForm(body);
  else if (type.includes("json")) text = maskJson(body);
  text = redactCallbackTokens(text);
  const cut = Buffer.byteLength(text) > maxBytes;
  const truncated = cut || wholeBytes !== undefined;
  if (cut) text = Buffer.from(text).subarray(0, maxBytes).toString("utf8").replace(/\uFFFD$/, "");
  return { text, bytes, truncated };
}

function maskForm(body: string): string {
  const p = new URLSearchParams(body);
  let changed = false;
  for (const k of [...p.keys()]) {
    if (isSecretParam(k)) {
      p.set(k, REDACTED);
      changed = true;
    }
  }
  return changed ? p.toString() : body;
}

function maskJson(body: string): string {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return body; // a raw template that is not JSON: only callback tokens are masked
  }
  let changed = false;
  const walk = (x: unknown, depth: number): unknown => {
    if (depth > 20 || x === null || typeof x !== "object") return x;
    if (Array.isArray(x)) return x.map((e) => walk(e, depth + 1));
    const o: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(x)) {
      if (isSecretParam(k) && (typeof e === "string" || typeof e === "number")) {
        o[k] = REDACTED;
        changed = true;
      } else o[k] = walk(e, depth + 1);
    }
    return o;
  };
  const masked = walk(v, 0);
  return changed ? JSON.stringify(masked) : body;
}
