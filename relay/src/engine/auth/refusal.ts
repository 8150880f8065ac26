// What Basic and Digest share: the credentials, adding the header to a request, and turning a
// server's final 401/403 into an `auth` failure a person can act on. Messages name the scheme and
// realm, never the password or the header we sent.
import { ActionError, headerValues, HttpRequest, HttpResponse } from "../http";
import { parseChallenges } from "./challenge";
import { printable } from "../printable";

export interface Credentials {
  username: string;
  password: string;
}

export type AuthScheme = "basic" | "digest";

const NAMES: Record<string, string> = { basic: "Basic", digest: "Digest" };

/** A copy of the request with our Authorization header; the caller's object stays untouched. */
export function withAuthorization(req: HttpRequest, value: string): HttpRequest {
  return { ...req, headers: { ...req.headers, authorization: value } };
}

/** The `auth` failure for a 401 or 403 answer to a request made as `ours`. */
export function refusal(res: HttpResponse, ours: AuthScheme, detail?: string): ActionError {
  const name = NAMES[ours];
  if (res.status === 403) {
    return new ActionError("auth", "the server refused access with the " + name + " credentials (HTTP 403)", 403);
  }
  const offered = parseChallenges(headerValues(res, "www-authenticate"));
  const mine = offered.filter((c) => c.scheme === ours);
  if (offered.length > 0 && mine.length === 0) {
    const theirs = offered.map((c) => NAMES[c.scheme] || c.scheme.slice(0, 30)).filter((s, i, all) => all.indexOf(s) === i);
    return new ActionError("auth", "the server asks for " + theirs.join(" or ") + " authentication, but the action is set to " + name, 401);
  }
  if (detail) return new ActionError("auth", detail, 401);
  const realm = mine.length > 0 && mine[0].params.realm !== undefined ? " for realm " + JSON.stringify(printable(mine[0].params.realm, 80)) : "";
  return new ActionError("auth", "the server rejected the " + name + " credentials" + realm + " (HTTP 401)", 401);
}
