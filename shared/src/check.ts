// Tiny field checkers for message validation. Each returns "" when the value is fine, or what is
// wrong with it in words a person can act on. Written for Espruino: no Number.isInteger, no isFinite.

export function isInteger(x: unknown): x is number {
  return typeof x === "number" && x === x && Math.floor(x) === x && Math.abs(x) < 9007199254740992;
}

export function isFiniteNumber(x: unknown): x is number {
  return typeof x === "number" && x === x && x !== Infinity && x !== -Infinity;
}

export function intIn(x: unknown, min: number, max: number): string {
  if (!isInteger(x)) return "must be an integer";
  if (x < min || x > max) return "must be between " + min + " and " + max;
  return "";
}

export function numberIn(x: unknown, min: number, max: number): string {
  if (!isFiniteNumber(x)) return "must be a number";
  if (x < min || x > max) return "must be between " + min + " and " + max;
  return "";
}

export function oneOf(x: unknown, allowed: readonly string[]): string {
  if (typeof x !== "string" || allowed.indexOf(x) < 0) return "must be one of " + allowed.join(", ");
  return "";
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !(x instanceof Array);
}

/** Names of keys in `obj` that are not in `known` (unknown fields are rejected, not ignored). */
export function unknownKeys(obj: Record<string, unknown>, known: readonly string[]): string[] {
  const out: string[] = [];
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    if (known.indexOf(keys[i]) < 0) out.push(keys[i]);
  }
  return out;
}

const NON_ASCII = /[\u007f-\uffff]/;
const NON_ASCII_ALL = /[\u007f-\uffff]/g;

/** JSON with every non-ASCII character escaped: the device handles byte strings only. */
export function asciiJson(value: unknown): string {
  const s = JSON.stringify(value);
  // Almost every message is ASCII already; a test is much cheaper than a replace.
  if (!NON_ASCII.test(s)) return s;
  return s.replace(NON_ASCII_ALL, function (c: string) {
    return "\\u" + ("0000" + c.charCodeAt(0).toString(16)).slice(-4);
  });
}
