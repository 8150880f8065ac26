// The Digest request flow. A press goes out signed with the nonce the server gave last time, if
// there is one, else unsigned. A 401 with a Digest challenge (a first contact, or our nonce went
// stale) earns exactly one resend signed with that challenge; the request object is kept as it
// was, so a POST or PUT body goes out again intact. A second refusal is an `auth` failure.
import { headerValue, headerValues, HttpResponse, Layer, Send } from "../http";
import { Challenge, parseChallenges, parseParams } from "./challenge";
import { digestAuthorization, newCnonce, pickDigestChallenge } from "./digest";
import { NonceCache, NonceState } from "./nonce-cache";
import { printable } from "../printable";
import { refusal, withAuthorization, type Credentials } from "./refusal";

export function digestLayer(cred: Credentials): Layer {
  const cache = new NonceCache();

  return (next: Send): Send => async (req) => {
    let target: URL;
    try {
      target = new URL(req.url);
    } catch {
      return next(req); // the transport reports a bad URL with its proper reason
    }
    const origin = target.origin;
    // The request-target undici sends for this URL; the server hashes what it received.
    const uri = target.pathname + target.search;

    // Apache names the next nonce before the current one expires; using it saves a stale 401.
    const followNextNonce = (res: HttpResponse, state: NonceState): void => {
      const info = headerValue(res, "authentication-info");
      const nextnonce = info ? parseParams(info).nextnonce : undefined;
      if (nextnonce) cache.rotate(origin, state, nextnonce);
    };

    const send = async (state: NonceState | undefined): Promise<{ res: HttpResponse; signed: boolean }> => {
      const nc = state ? cache.take(state) : undefined;
      if (!state || nc === undefined) return { res: await next(req), signed: false };
      const header = digestAuthorization({
        challenge: state.challenge,
        username: cred.username,
        password: cred.password,
        method: req.method,
        uri,
        body: req.body,
        nc,
        cnonce: newCnonce(),
      });
      const res = await next(withAuthorization(req, header));
      if (res.status !== 401) followNextNonce(res, state);
      return { res, signed: true };
    };

    const first = await send(cache.latest(origin));
    if (first.res.status === 403 && first.signed) throw refusal(first.res, "digest");
    if (first.res.status !== 401) return first.res;

    const challenges = parseChallenges(headerValues(first.res, "www-authenticate"));
    const challenge = pickDigestChallenge(challenges);
    if (!challenge) throw refusal(first.res, "digest", unsupported(challenges));

    const retry = await send(cache.remember(origin, challenge));
    if (retry.res.status === 401 || (retry.res.status === 403 && retry.signed)) throw refusal(retry.res, "digest");
    return retry.res;
  };
}

/** Says why we cannot answer the server's Digest challenges, if it sent any. */
function unsupported(challenges: Challenge[]): string | undefined {
  const digest = challenges.filter((c) => c.scheme === "digest");
  if (digest.length === 0) return undefined;
  const what = digest
    .map((c) => (c.params.nonce ? "algorithm " + (c.params.algorithm || "MD5") + (c.params.qop ? ", qop " + c.params.qop : "") : "no nonce"))
    .join("; ");
  return "the server's Digest challenge (" + printable(what, 120) + ") asks for something the relay does not support";
}
