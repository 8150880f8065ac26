// HTTP Basic authentication (RFC 7617): the header, sent with the first request since there is
// nothing to wait for, and the reading of a refusal.
import { ActionError, Layer } from "../http";
import { refusal, withAuthorization, type Credentials } from "./refusal";

/** `Basic base64(user:password)`, the credentials encoded as UTF-8 (RFC 7617 section 2.1). */
export function basicAuthorization(username: string, password: string): string {
  // The colon is the separator, so a user-id cannot contain one (RFC 7617 section 2).
  if (username.indexOf(":") >= 0) throw new ActionError("bad-request", "a Basic user name cannot contain ':'");
  return "Basic " + Buffer.from(username + ":" + password, "utf8").toString("base64");
}

export function basicLayer(cred: Credentials): Layer {
  return (next) => async (req) => {
    const res = await next(withAuthorization(req, basicAuthorization(cred.username, cred.password)));
    if (res.status === 401 || res.status === 403) throw refusal(res, "basic");
    return res;
  };
}
