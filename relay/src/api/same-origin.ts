// Cross-site request forgery: a browser sends the session cookie with any request to the relay,
// whichever page made it (SameSite=Strict stops most, not all: a sibling site on the same LAN
// host counts as "same site"). So a request that changes something and is signed in by the cookie
// must say, in `Origin`, that the relay's own page made it. Browsers set `Origin` on every such
// request and a page cannot forge it; callers with a bearer token need no such check.
import type { Context } from "hono";
import { forbidden } from "./errors";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** scheme://host[:port] of the request, as the client addressed the relay (its Host header). */
export function ownOrigin(c: Context): string {
  return new URL(c.req.url).origin;
}

function originOf(header: string): string | undefined {
  try {
    const o = new URL(header).origin;
    return o === "null" ? undefined : o;
  } catch {
    return undefined;
  }
}

/** Whether an `Origin` header names the relay's own origin. */
export function isOwnOrigin(c: Context, header: string): boolean {
  return originOf(header) === ownOrigin(c);
}

/** Throws 403 unless a state-changing request comes with the relay's own `Origin`. */
export function requireOwnOrigin(c: Context): void {
  if (SAFE.has(c.req.method)) return;
  const header = c.req.header("origin");
  if (header === undefined) throw forbidden("this request is signed in by the session cookie and changes something: it needs an Origin header (browsers send it)");
  if (!isOwnOrigin(c, header)) throw forbidden("cross-origin request refused: Origin " + JSON.stringify(header.slice(0, 100)) + " is not this relay's (" + ownOrigin(c) + ")");
}
