// Why a press failed. One fixed list, shared by the relay (which picks the reason) and the firmware
// (which may show some reasons differently). Add to the end; never rename: devices in the field know
// these strings.
export const REASONS = [
  "http", // the webhook answered with a non-2xx status (the result carries `code`)
  "timeout", // the webhook did not answer within the action's timeout
  "dns", // the webhook's host name did not resolve
  "refused", // the connection was refused or reset
  "tls", // the TLS handshake failed (certificate not trusted, wrong host name, ...)
  "auth", // the webhook rejected our credentials (401/403 after authenticating)
  "no-action", // the bttn has no action for this event type
  "no-webhook", // the action uses a dynamic webhook and none is registered
  "negative", // an async action's server answered Negative / fail on the callback
  "callback-timeout", // an async action's callback did not arrive in time
  "stale", // the event was too old to act on
  "internal", // a bug or an unexpected error in the relay; its log says more
  "bad-request", // the action could not be built (a tag put a newline into a header, ...)
  "rate-limited", // the bttn pressed faster than the relay's per-bttn rate limit allows; not fired
] as const;

export type Reason = (typeof REASONS)[number];

export function isReason(x: unknown): x is Reason {
  return typeof x === "string" && REASONS.indexOf(x as Reason) >= 0;
}
