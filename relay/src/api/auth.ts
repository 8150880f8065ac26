// Who is calling: an API key from `X-Api-Key` or `Authorization: Bearer`, checked against the
// store's keys, or (without either) the web console's session cookie, which stands for the admin key
// that signed in and must come with the relay's own Origin on writes (same-origin.ts). A refusal is logged (never with the offered key) and answered 401 with one message
// whatever the cause, so a caller learns nothing about which keys exist.
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { Logger } from "../log";
import type { Bttn } from "../store/bttns";
import type { ApiKey } from "../store/keys";
import type { BttnRepo, KeyRepo } from "../store/store";
import { ApiError, forbidden, notFound } from "./errors";
import { requireOwnOrigin } from "./same-origin";
import { SESSION_COOKIE, Sessions } from "./sessions";

export function offeredKey(c: Context): string | undefined {
  const header = c.req.header("x-api-key");
  if (header !== undefined) return header.trim();
  const auth = c.req.header("authorization");
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return m ? m[1] : auth !== undefined ? "" : undefined;
}

/** The caller's address, as the server serving the request knows it (undefined: not known). */
export type ClientAddress = (c: Context) => string | undefined;

/**
 * The admin key behind the request's session cookie: undefined without a cookie, 401 for one that
 * is not (or no longer) a session, 403 for a write without the relay's own Origin.
 */
export async function sessionKey(c: Context, sessions: Sessions, keys: KeyRepo): Promise<ApiKey | undefined> {
  const id = getCookie(c, SESSION_COOKIE);
  if (id === undefined) return undefined;
  const s = sessions.get(id);
  const key = s && (await keys.get(s.keyId));
  if (!key || key.revokedAt !== null || key.kind !== "admin") {
    if (s) sessions.end(id); // its admin key was revoked: the session goes with it
    throw new ApiError(401, "the console session has ended or is not valid: sign in again");
  }
  requireOwnOrigin(c);
  return key;
}

export async function authenticate(c: Context, keys: KeyRepo, log: Logger, remote: ClientAddress, sessions?: Sessions): Promise<ApiKey> {
  const offered = offeredKey(c);
  const signedIn = offered === undefined && sessions ? await sessionKey(c, sessions, keys) : undefined;
  if (signedIn) return signedIn;
  if (offered === undefined) {
    log.repeated("api-nokey|" + remote(c), "API requests without credentials from " + remote(c), "info", "API request without credentials refused", { method: c.req.method, path: c.req.path, from: remote(c) });
    throw new ApiError(401, "this needs an API key: send it as X-Api-Key or as Authorization: Bearer <key>");
  }
  const v = await keys.verify(offered);
  if (!v.ok) {
    // Summarised per address and cause: a key guesser gets one line per 10 s, not one per guess.
    log.repeated("api-badkey|" + remote(c) + "|" + v.why, "API requests refused from " + remote(c) + " (" + v.why + ")", "warn", "API request with invalid credentials refused", { method: c.req.method, path: c.req.path, from: remote(c), why: v.why, keyId: v.keyId });
    throw new ApiError(401, "invalid API key");
  }
  return v.key;
}

export function requireAdmin(key: ApiKey): void {
  if (key.kind !== "admin") throw forbidden("this needs an admin token");
}

/**
 * A key acts for the bttns it was made for, as they were then: a bttn removed and added again under
 * the same id is newer than the key, and the key does not reach it.
 */
export function mayActFor(key: ApiKey, bttn: Pick<Bttn, "id" | "createdAt">): boolean {
  return key.kind === "admin" || (key.bttns.includes(bttn.id) && key.createdAt >= bttn.createdAt);
}

/** The bttn `id` as `key` may see it: 403 outside the key's bttns, 404 when there is no such bttn. */
export function bttnFor(bttns: BttnRepo, key: ApiKey, id: string): Bttn {
  const b = bttns.get(id);
  if (key.kind !== "admin" && !key.bttns.includes(id)) throw forbidden("this key does not act for bttn " + JSON.stringify(id));
  if (!b) throw notFound("no bttn " + JSON.stringify(id));
  if (!mayActFor(key, b)) throw forbidden("this key does not act for bttn " + JSON.stringify(id) + " (it was added again after the key was made)");
  return b;
}
