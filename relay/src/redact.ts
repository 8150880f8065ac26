// Removing secrets from what we store, log and answer: URL credentials and query parameters that
// look like keys, and sensitive headers.

const SECRET_PARAM = /^(.*(key|token|secret|password|passwd|pwd|auth|signature|sig).*)$/i;
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|.*token.*|.*secret.*|.*key.*|.*password.*)$/i;

export const REDACTED = "[redacted]";

/** The URL without user:password and with secret-looking query values replaced. */
// Runs are recorded for every press, mostly with the same few action URLs: remember the answers.
const redactedUrls = new Map<string, string>();

export function redactUrl(raw: string): string {
  let r = redactedUrls.get(raw);
  if (r === undefined) {
    r = redactUrlUncached(raw);
    if (redactedUrls.size >= 1000) redactedUrls.clear();
    redactedUrls.set(raw, r);
  }
  return r;
}

// A callback URL (`<publicUrl>/callback/<token>`) is a bearer secret: whoever has it decides the
// press. It shows up inside other URLs when an action puts <CALLBACKURL> into its query string or
// path, as is or percent-encoded.
const CALLBACK_TOKEN = /(\/|%2F)callback(\/|%2F)[A-Za-z0-9_-]{20,100}/gi;

/** `text` with the token of every callback URL in it replaced. */
export function redactCallbackTokens(text: string): string {
  return text.indexOf("allback") < 0 ? text : text.replace(CALLBACK_TOKEN, (_m, a: string, b: string) => a + "callback" + b + REDACTED);
}

function redactUrlUncached(raw: string): string {
  return redactCallbackTokens(redactUrlParts(raw));
}

function redactUrlParts(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    // Not a URL we can parse: strip anything that looks like userinfo.
    return raw.replace(/\/\/[^/@\s]*@/, "//" + REDACTED + "@");
  }
  if (u.username || u.password) {
    u.username = "";
    u.password = "";
    u.username = REDACTED;
  }
  for (const k of [...u.searchParams.keys()]) {
    if (SECRET_PARAM.test(k)) u.searchParams.set(k, REDACTED);
  }
  return u.toString();
}

/** Whether a query or form parameter of this name probably holds a secret. */
export function isSecretParam(name: string): boolean {
  return SECRET_PARAM.test(name);
}

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER.test(name);
}

export function redactHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(h)) out[k] = isSecretHeader(k) ? REDACTED : h[k];
  return out;
}
