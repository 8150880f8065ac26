// Renders an action's templates (URL, headers, arguments, raw body) for one press. A template is
// compiled once into literal text and tag slots, then every render only concatenates, escaping each
// value for the place it lands in.
//
// Syntax, all case-sensitive:
// - `<NAME>` where NAME is a known tag (tags.ts) is replaced by its value ("" when the press has none).
// - Anything else between angle brackets stays as written: `<b>hello</b>`, `<FOO>`, `<date>`.
// - `<<NAME>` is the escape: it renders `<NAME>` literally. NAME here is anything tag-shaped
//   (`[A-Z][A-Z0-9_]*`), known or not, so what `<<FOO>` means never changes when a later version
//   learns a tag FOO. The price: a literal `<` right before a tag needs a space (`< <DATE>`).
import { ActionError } from "./http";
import { TAG_VALUES, TagContext, TagName, TagValue, isTagName } from "./tags";

export interface CompiledTemplate {
  readonly source: string;
  /** Output = literals[0] + value(tags[0]) + literals[1] + ... + literals[tags.length]. */
  readonly literals: readonly string[];
  readonly tags: readonly TagName[];
  /** The value function of each tag, resolved at compile time. */
  readonly values: readonly TagValue[];
}

const LT = 60; // "<"
const GT = 62; // ">"

/** Index of the ">" closing a tag-shaped name that starts at `from`, or -1. */
function tagEnd(s: string, from: number): number {
  let c = s.charCodeAt(from);
  if (!(c >= 65 && c <= 90)) return -1;
  for (let i = from + 1; i < s.length; i++) {
    c = s.charCodeAt(i);
    if (c === GT) return i;
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) return -1;
  }
  return -1;
}

function compile(s: string): CompiledTemplate {
  const literals: string[] = [];
  const tags: TagName[] = [];
  const values: TagValue[] = [];
  let pending = ""; // literal text already cut out of s, waiting for the next tag or the end
  let from = 0; // s[from..] has not been copied into `pending` yet
  let i = s.indexOf("<");
  while (i >= 0) {
    if (s.charCodeAt(i + 1) === LT) {
      const end = tagEnd(s, i + 2);
      if (end > 0) {
        // Escape: drop the first "<", keep "<NAME>" as text.
        pending += s.slice(from, i);
        from = i + 1;
        i = s.indexOf("<", end + 1);
      } else {
        i = s.indexOf("<", i + 1);
      }
      continue;
    }
    const end = tagEnd(s, i + 1);
    if (end < 0) {
      i = s.indexOf("<", i + 1);
      continue;
    }
    const name = s.slice(i + 1, end);
    if (isTagName(name)) {
      literals.push(pending + s.slice(from, i));
      pending = "";
      tags.push(name);
      values.push(TAG_VALUES[name]);
      from = end + 1;
    }
    i = s.indexOf("<", end + 1);
  }
  literals.push(pending + s.slice(from));
  return { source: s, literals, tags, values };
}

// Actions are few and rendered over and over; templates are keyed by their text. Bounded so that
// ever-changing templates cannot grow it without end; the oldest entry goes first.
const MAX_CACHED = 4096;
const cache = new Map<string, CompiledTemplate>();

/** The compiled form of `template`, from the cache when it was seen before. */
export function compileTemplate(template: string): CompiledTemplate {
  let c = cache.get(template);
  if (c) return c;
  c = compile(template);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(template, c);
  return c;
}

/** Makes a tag's value safe for its destination; `where` names the destination for errors. */
type Escaper = (value: string, tag: TagName, where: string) => string;

function render(template: string | CompiledTemplate, ctx: TagContext, escape: Escaper, where: string): string {
  const c = typeof template === "string" ? compileTemplate(template) : template;
  const lits = c.literals;
  let out = lits[0];
  for (let k = 0; k < c.values.length; k++) out += escape(c.values[k](ctx), c.tags[k], where) + lits[k + 1];
  return out;
}

// --- URL --------------------------------------------------------------------------------------

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const urlEscape: Escaper = (v) => {
  try {
    return encodeURIComponent(v);
  } catch (e) {
    // encodeURIComponent throws on a lone surrogate (a name cut in the middle of an emoji).
    return encodeURIComponent(v.replace(LONE_SURROGATE, "\ufffd"));
  }
};

/**
 * Values are percent-encoded as one URL component, wherever they sit (path, query, fragment);
 * the template's own text is kept exactly as the user wrote it.
 */
export function renderUrl(template: string | CompiledTemplate, ctx: TagContext): string {
  return render(template, ctx, urlEscape, "url");
}

// --- Header -----------------------------------------------------------------------------------

// What undici refuses in a header value besides characters above U+00FF: every control but tab.
const HEADER_CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const LINE_BREAK = /[\r\n]/;
const NON_ASCII = /[^\x00-\x7f]/;

function whatControl(s: string): string {
  return LINE_BREAK.test(s) ? "a line break" : "a control character";
}

const headerEscape: Escaper = (v, tag, where) => {
  if (HEADER_CONTROL.test(v)) {
    throw new ActionError("bad-request", "header " + where + ": tag <" + tag + "> would put " + whatControl(v) + " into a header");
  }
  return v;
};

/**
 * A header value. A value carrying CR, LF or another control character (header injection, or a
 * request undici would refuse) fails the action with `bad-request`. Non-ASCII text is returned as
 * its UTF-8 bytes, one char per byte: undici writes header strings as latin1 and rejects anything
 * above U+00FF, so this is how a bttn named "Küche" or "厨房" reaches the server as UTF-8.
 */
export function renderHeader(template: string | CompiledTemplate, ctx: TagContext, headerName: string): string {
  const c = typeof template === "string" ? compileTemplate(template) : template;
  if (HEADER_CONTROL.test(c.source)) {
    throw new ActionError("bad-request", "header " + headerName + ": the value contains " + whatControl(c.source));
  }
  const out = render(c, ctx, headerEscape, headerName);
  return NON_ASCII.test(out) ? Buffer.from(out, "utf8").toString("latin1") : out;
}

// --- JSON body --------------------------------------------------------------------------------

// Only what JSON.stringify would change; most values (numbers, ids, dates) skip it.
const JSON_SPECIAL = /["\\\x00-\x1f\ud800-\udfff]/;

const jsonEscape: Escaper = (v) => {
  if (!JSON_SPECIAL.test(v)) return v;
  const quoted = JSON.stringify(v);
  return quoted.slice(1, quoted.length - 1);
};

/**
 * A raw JSON body written by the user. Values are escaped as the inside of a JSON string, because
 * tags are written inside strings (`"n":"<COUNTER>"`); a numeric tag outside quotes still works
 * (`"n":<COUNTER>`) as long as the press has that value.
 */
export function renderJsonTemplate(template: string | CompiledTemplate, ctx: TagContext): string {
  return render(template, ctx, jsonEscape, "body");
}

// --- Unescaped ---------------------------------------------------------------------------------

const noEscape: Escaper = (v) => v;

/** Values as they are: for text that JSON.stringify or URLSearchParams will escape afterwards. */
export function renderPlain(template: string | CompiledTemplate, ctx: TagContext): string {
  return render(template, ctx, noEscape, "text");
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function renderValue(x: unknown, ctx: TagContext): unknown {
  if (typeof x === "string") return renderPlain(x, ctx);
  if (Array.isArray(x)) return x.map((v) => renderValue(v, ctx));
  if (isPlainObject(x)) return renderArgs(x, ctx);
  return x;
}

/**
 * A copy of an action's arguments with tags rendered in every string value, at any depth; numbers,
 * booleans and null stay what they are. Keys are not rendered: they are the receiver's field names,
 * and two keys rendering to the same text would silently drop one.
 */
export function renderArgs(args: Record<string, unknown>, ctx: TagContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(args);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = renderValue(args[k], ctx);
    // JSON.parse makes "__proto__" an ordinary key; a plain assignment would set the prototype.
    if (k === "__proto__") Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

