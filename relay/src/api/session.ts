// /session: the web console signs in with the admin token (POST, once), asks whether it still is
// signed in (GET) and signs out (DELETE). The token travels in the body only, never in a URL, and is
// never logged; wrong tokens from one address are slowed down like MQTT logins (login-throttle.ts).
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { LoginThrottle } from "../bus/login-throttle";
import type { ApiKey } from "../store/keys";
import { sessionKey } from "./auth";
import type { ApiDeps } from "./deps";
import { ApiError, forbidden } from "./errors";
import type { Routes } from "./route";
import { isOwnOrigin, ownOrigin } from "./same-origin";
import { SESSION_COOKIE, Sessions } from "./sessions";
import { sessionAnswer, sessionBody } from "./schemas";

function cookieOptions(c: Context, maxAgeS: number) {
  // Secure when the browser reached the relay over HTTPS: the cookie then never travels in clear.
  return { httpOnly: true, sameSite: "Strict" as const, path: "/", maxAge: maxAgeS, secure: ownOrigin(c).startsWith("https:") };
}

export function sessionRoutes(r: Routes, d: ApiDeps, sessions: Sessions, throttle: LoginThrottle): void {
  const from = (c: Context) => d.clientAddress?.(c) ?? "unknown";

  r.addOpen(
    {
      method: "post",
      path: "/session",
      tag: "session",
      summary: "Sign in to the web console: an admin token for a session cookie",
      description:
        "Answers 204 with `Set-Cookie: " + SESSION_COOKIE + "=...; HttpOnly; SameSite=Strict` (12 hours). The cookie then stands for the admin token on every route; " +
        "a request that changes something must also carry the relay's own `Origin`. Repeated wrong tokens from one address: 429 with Retry-After.",
      access: "public",
      body: sessionBody,
      status: 204,
      errors: [401, 403, 429],
    },
    async ({ c, body }) => {
      const origin = c.req.header("origin");
      if (origin !== undefined && !isOwnOrigin(c, origin)) throw forbidden("cross-origin sign-in refused: Origin is not this relay's (" + ownOrigin(c) + ")");
      const address = from(c);
      const lockedMs = throttle.lockedFor(address);
      if (lockedMs > 0) {
        const s = Math.ceil(lockedMs / 1000);
        throw new ApiError(429, "too many wrong tokens from this address: try again in " + s + " s", undefined, undefined, undefined, { "Retry-After": String(s) });
      }
      const v = await d.keys.verify(body.token);
      if (!v.ok) {
        const lockout = throttle.failed(address);
        d.log.repeated("console-signin|" + address, "console sign-ins refused from " + address, "warn", "console sign-in with a wrong token refused", { from: address, why: v.why, lockoutMs: lockout || undefined });
        throw new ApiError(401, "wrong token: give the admin token (the relay printed one at its first start; `bttn-relay admin token` makes another)", "token", "body");
      }
      if (v.key.kind !== "admin") throw forbidden("this is an API key, not an admin token: the console needs an admin token");
      throttle.succeeded(address);
      const { id, session } = sessions.start(v.key.id);
      setCookie(c, SESSION_COOKIE, id, cookieOptions(c, Math.round(sessions.o.ttlMs / 1000)));
      d.log.info("console signed in", { by: v.key.id, from: address, until: new Date(session.expiresAt).toISOString() });
    },
  );

  r.addOpen(
    { method: "get", path: "/session", tag: "session", summary: "Whether the session cookie is signed in, and until when", access: "public", status: 200, answer: sessionAnswer, errors: [401] },
    async ({ c }) => {
      const id = getCookie(c, SESSION_COOKIE);
      if (id === undefined || !await sessionKey(c, sessions, d.keys)) throw new ApiError(401, "not signed in");
      return { expiresAt: new Date(sessions.get(id)!.expiresAt).toISOString() };
    },
  );

  r.addOpen(
    { method: "delete", path: "/session", tag: "session", summary: "Sign out: the session ends and its cookie is cleared", access: "public", status: 204, errors: [403] },
    async ({ c }) => {
      const id = getCookie(c, SESSION_COOKIE);
      let key: ApiKey | undefined;
      try {
        key = id === undefined ? undefined : await sessionKey(c, sessions, d.keys); // a write: its Origin is checked
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 401) throw e; // an ended session: just clear the cookie
      }
      if (id !== undefined && key) sessions.end(id);
      if (key) d.log.info("console signed out", { by: key.id, from: from(c) });
      deleteCookie(c, SESSION_COOKIE, cookieOptions(c, 0));
    },
  );
}
