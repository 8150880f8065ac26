// Where a dynamic action may take its credentials. An action with `"url": "dynamic"` calls the URL
// that a holder of an API key registered, not one the admin wrote: if that action carries Basic or
// Digest credentials or custom headers (tokens, often), a key holder could register a server of its
// own and collect them. So such an action calls only the origins the admin listed for it in
// `dynamicOrigins`: registering any other URL for its bttn is refused (400, naming the allowed
// origins), and a press whose registered URL is elsewhere (registered before the list changed)
// fails with `bad-request` without sending anything. A dynamic action without auth and headers
// sends only its arguments and may call any registered URL, as before.
import type { Actions, HttpAction } from "../config/schema";
import { ActionError } from "./http";

/** Why `raw` is not an origin (`https://host[:port]`), or "" when it is. */
export function originProblem(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "must be an origin such as https://hooks.example.lan:8443";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return "must be an http:// or https:// origin";
  if (u.username || u.password) return "must not contain user:password@";
  if ((u.pathname !== "/" && u.pathname !== "") || u.search || u.hash || /[?#]/.test(raw)) return "must be an origin only (scheme, host and port), without a path";
  return "";
}

/** Whether calling an unlisted origin would hand it something of the admin's. */
export function carriesCredentials(a: Pick<HttpAction, "auth" | "headers">): boolean {
  return !!a.auth || Object.keys(a.headers ?? {}).length > 0;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The action's allowed origins, as the URL parser writes them (`HTTPS://Host:443/` → `https://host`). */
export function allowedOrigins(a: Pick<HttpAction, "dynamicOrigins">): string[] {
  const out: string[] = [];
  for (const o of a.dynamicOrigins ?? []) {
    const n = originOf(o);
    if (n && !out.includes(n)) out.push(n);
  }
  return out;
}

/** Whether a dynamic action may call `url`: it carries nothing of the admin's, or `url` is on its list. */
export function mayCall(a: HttpAction, url: string): boolean {
  if (!carriesCredentials(a)) return true;
  const o = originOf(url);
  return o !== undefined && allowedOrigins(a).includes(o);
}

function listText(origins: string[]): string {
  return origins.length ? origins.join(", ") : "none (the admin has not set dynamicOrigins)";
}

/** Throws the press's `bad-request` failure when its dynamic action may not call `url`. */
export function checkDynamicTarget(a: HttpAction, url: string): void {
  if (mayCall(a, url)) return;
  throw new ActionError(
    "bad-request",
    "the registered webhook's origin " + (originOf(url) ?? "?") + " is not in this action's dynamicOrigins (" + listText(allowedOrigins(a)) + "): its credentials and headers go to those only",
  );
}

/**
 * Why `url` cannot be registered for a bttn with these actions, or "" when it can: every dynamic
 * action of the bttn that carries credentials or headers must allow the URL's origin.
 */
export function registrationProblem(actions: Actions, url: string): string {
  const refusing: string[] = [];
  let allowed: string[] | undefined;
  for (const [type, action] of Object.entries(actions)) {
    const a = action?.http;
    if (!a || a.url !== "dynamic" || mayCall(a, url)) continue;
    refusing.push(type);
    const own = allowedOrigins(a);
    allowed = allowed === undefined ? own : allowed.filter((o) => own.includes(o));
  }
  if (!refusing.length) return "";
  return (
    "origin " + (originOf(url) ?? "?") + " is not allowed for this bttn's dynamic action (" + refusing.join(", ") +
    "), which sends credentials or headers; allowed origins: " + listText(allowed ?? [])
  );
}
