// The page's one way to change anything: the REST API under /api/v1, with the session cookie the
// sign-in set (same origin, so the browser sends it and an Origin header on every write). A refusal
// becomes an ApiProblem that keeps the field the API named, so a form can show it beside that field.

export const API = "/api/v1";

export interface Issue {
  path: string;
  message: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The bad field, dot-separated ("http.url"), when the API named one. */
    readonly path?: string,
    readonly issues: Issue[] = [],
    /** Seconds to wait, from Retry-After (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

type Listener = () => void;
const signedOutListeners = new Set<Listener>();

/** Called when the API says the session is gone (expired, signed out elsewhere, relay restarted). */
export function onSignedOut(l: Listener): () => void {
  signedOutListeners.add(l);
  return () => signedOutListeners.delete(l);
}

export async function call<T = unknown>(method: string, path: string, body?: unknown, o: { quiet401?: boolean } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(API + path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiProblem(0, "the relay did not answer: is it running, and is this device on its network?");
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.ok) return parsed as T;
  if (res.status === 401 && !o.quiet401) for (const l of signedOutListeners) l();
  const retry = Number(res.headers.get("retry-after"));
  const issues: Issue[] = Array.isArray(parsed?.issues) ? parsed.issues : parsed?.path !== undefined ? [{ path: parsed.path, message: parsed.error }] : [];
  throw new ApiProblem(res.status, typeof parsed?.error === "string" ? parsed.error : "the relay answered " + res.status, parsed?.path, issues, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

export const get = <T>(path: string) => call<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => call<T>("POST", path, body ?? {});
export const put = <T>(path: string, body: unknown) => call<T>("PUT", path, body);
export const del = (path: string) => call<void>("DELETE", path);

/** A path segment: ids are plain already, but a name typed by a person may not be. */
export const seg = (s: string) => encodeURIComponent(s);

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
