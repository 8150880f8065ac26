// Tiny field checkers for message validation. Each returns "" when the value is fine, or what is
// wrong with it in words a person can act on. Written for Espruino (docs/espruino.md): small, no RegExp.

/**
 * "" when `x` is a number from `min` to `max` (and a whole one when `integer`), else what is wrong.
 * The range test also turns away NaN and the infinities, so there is no separate finiteness check:
 * every byte of this file ships in the device's bundle.
 */
export function numberIn(x: unknown, min: number, max: number, integer?: boolean): string {
  if (typeof x !== "number" || x !== x || (integer && Math.floor(x) !== x)) return integer ? "must be an integer" : "must be a number";
  return x < min || x > max ? "must be between " + min + " and " + max : "";
}

export function intIn(x: unknown, min: number, max: number): string {
  return numberIn(x, min, max, true);
}

export function oneOf(x: unknown, allowed: readonly string[]): string {
  if (typeof x !== "string" || allowed.indexOf(x) < 0) return "must be one of " + allowed.join(", ");
  return "";
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !(x instanceof Array);
}

/**
 * The first key of `obj` that `known` (names separated by spaces) does not list, prefixed with
 * `path`, as "path.key: unknown field"; "" when there is none. Unknown fields are rejected, not
 * ignored. The names are one string, not an array, because on the device a string costs one or two
 * JsVars where an array of strings costs a few per name, and these lists live as long as the program.
 */
export function unknownKey(obj: Record<string, unknown>, known: string, path: string): string {
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    if ((" " + known + " ").indexOf(" " + keys[i] + " ") < 0) return path + keys[i] + ": unknown field";
  }
  return "";
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
