// The `Idempotency-Key` header of an action request. The relay fires each press once, but a
// request that fails on the wire (the connection dropped before the answer) leaves the relay not
// knowing whether the server acted. The key lets a server recognise a repeat of the same press
// (a retry by the server's own proxy, a person pressing "retry", a future relay version) and drop
// it. The value is the press's identity in plain text, "<bttn id>:<boot>:<seq>": none of it is
// secret (the bttn id is a name, boot is the device's random boot id, seq a counter), it is the
// same on every attempt for that press and different for every other press, and it can be matched
// with the relay's feed. Sent as a quoted string, the structured-field form of the IETF draft
// "The Idempotency-Key HTTP Header Field".

export const IDEMPOTENCY_HEADER = "idempotency-key";

export interface PressIdentity {
  bttn: string;
  boot: string;
  seq: number;
}

export function idempotencyKey(p: PressIdentity): string {
  // Bttn ids are letters, digits, "-" and "_", boot is hex: nothing that needs escaping in a string.
  return '"' + p.bttn + ":" + p.boot + ":" + p.seq + '"';
}
