// Tiny field checkers for message validation. Each returns "" when the value is fine, or what is
// wrong with it in words a person can act on. Written for Espruino: no Number.isInteger (docs/espruino.md).

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

/**
 * True when `s` is non-empty and each of its characters lies in one of the inclusive ranges that
 * `ranges` lists as pairs of characters: onlyChars(id, "AZaz09--__") is /^[A-Za-z0-9-_]+$/.
 * A loop instead of a RegExp because Espruino's RegExp engine is its own (no \u escapes, no {n},
 * no lookahead) and reads some classes differently from Node's: see docs/espruino.md.
 */
export function onlyChars(s: string, ranges: string): boolean {
  if (!s.length) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let ok = false;
    for (let j = 0; j < ranges.length && !ok; j += 2) ok = c >= ranges.charCodeAt(j) && c <= ranges.charCodeAt(j + 1);
    if (!ok) return false;
  }
  return true;
}

/** JSON with every character outside printable ASCII escaped as \uXXXX: the device handles byte strings only. */
export function asciiJson(value: unknown): string {
  const s = JSON.stringify(value);
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c > 126 ? "\\u" + ("000" + c.toString(16)).slice(-4) : s[i];
  }
  return out;
}
