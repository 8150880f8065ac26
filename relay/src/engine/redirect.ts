// Follows redirects for an action that asks for it (`followRedirects: true`), the way browsers do,
// within limits a button can live with: at most MAX_REDIRECTS hops, never from https down to http,
// and the action's credentials stay with the action's own origin. Without this layer a 3xx is an
// answer like any other: `fail`, reason `http`, with its code.
//
// It sits outside the auth layer, so every hop passes through auth on its own: Digest answers each
// origin's own challenge (its nonces are kept per origin), and a hop marked `crossOrigin` goes out
// without credentials at all.
import { isSecretHeader, redactUrl } from "../redact";
import { ActionError, headerValue, HttpMethod, HttpRequest, Layer } from "./http";
import { IDEMPOTENCY_HEADER } from "./idempotency";

export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

// The headers that describe a body (fetch's "request-body-header names"): gone with the body.
const BODY_HEADERS = ["content-type", "content-encoding", "content-language", "content-location", "content-length"];

export function redirectLayer(maxRedirects = MAX_REDIRECTS): Layer {
  return (next) => async (first) => {
    let req = first;
    for (let hops = 0; ; hops++) {
      const res = await next(req);
      if (!REDIRECT_STATUSES.has(res.status)) return res;
      const location = headerValue(res, "location");
      if (location === undefined) return res; // nowhere to go: the status is the answer
      if (hops >= maxRedirects) throw new ActionError("http", "more than " + maxRedirects + " redirects", res.status);
      req = nextHop(first, req, location, res.status);
    }
  };
}

/** The request for the next hop, or an `http` failure naming why the redirect is not followed. */
export function nextHop(first: HttpRequest, prev: HttpRequest, location: string, status: number): HttpRequest {
  let target: URL;
  try {
    target = new URL(location, prev.url); // a relative Location is relative to the URL that answered
  } catch {
    throw new ActionError("http", "the redirect's Location is not a valid URL", status);
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    throw new ActionError("http", "not following a redirect to a " + target.protocol.slice(0, 20) + " URL", status);
  }
  const from = new URL(prev.url);
  if (from.protocol === "https:" && target.protocol === "http:") {
    throw new ActionError("http", "not following a redirect from https to http (" + redactUrl(target.href) + ")", status);
  }

  let method: HttpMethod = prev.method;
  let body = prev.body;
  const headers = { ...prev.headers };
  // 303 means "see the result over there": fetch it. 301 and 302 turn a POST into a GET too,
  // as every browser does and RFC 9110 section 15.4.2 allows; 307 and 308 keep method and body.
  if ((status === 303 && method !== "GET") || ((status === 301 || status === 302) && method === "POST")) {
    method = "GET";
    body = undefined;
    for (const h of BODY_HEADERS) delete headers[h];
  }

  // Once a hop leaves the action's origin, credentials stay behind for the rest of the chain: the
  // Authorization header, cookies and any header that looks like a key or token (redact.ts). The
  // Idempotency-Key only names the press (idempotency.ts): it goes along.
  const crossOrigin = !!prev.crossOrigin || !sameCredentialScope(new URL(first.url), target);
  if (crossOrigin) for (const h of Object.keys(headers)) if (isSecretHeader(h) && h !== IDEMPOTENCY_HEADER) delete headers[h];

  return { ...prev, method, url: target.href, headers, body, crossOrigin };
}

/**
 * Whether credentials for `origin` may go to `target`: the same origin, or the same host moving up
 * from http on port 80 to https on port 443 (a server that insists on TLS: the same host gets what
 * the first hop already showed it, now encrypted).
 */
function sameCredentialScope(origin: URL, target: URL): boolean {
  if (origin.origin === target.origin) return true;
  return origin.protocol === "http:" && target.protocol === "https:" && origin.hostname === target.hostname && origin.port === "" && target.port === "";
}
