// The dialect gate: parses JavaScript (the firmware bundle) and names everything in it that
// Espruino 2v29 cannot run (docs/espruino.md), with its place in the bundle and,
// given esbuild's source map, in our TypeScript. esbuild passes some of these through at es2015
// (destructuring, spread, rest, default parameters) and a compiler helper can bring in others
// (Object.prototype.hasOwnProperty, Symbol, Proxy), so the bundle is what is checked, not the source.
import { parse, type Node } from "acorn";

export interface Place {
  file: string;
  line: number;
  column: number;
}

export interface Violation {
  /** Short name of the construct, e.g. "destructuring", "Map". */
  rule: string;
  /** What it is and what to do instead. */
  message: string;
  /** 1-based line and 0-based column in the checked code. */
  line: number;
  column: number;
  /** Where it came from, when a source map was given. */
  source?: Place;
}

export interface SourceMap {
  sources: string[];
  mappings: string;
}

type AnyNode = Node & Record<string, unknown>;

// Null-prototype tables: a name like "toString" or "constructor" must not look like an entry.
const GLOBALS_MISSING: Record<string, string> = Object.assign(Object.create(null), {
  Map: "Map does not exist: use a plain object or an array",
  Set: "Set does not exist: use an array with indexOf or an object's keys",
  WeakMap: "WeakMap does not exist",
  WeakSet: "WeakSet does not exist",
  Symbol: "Symbol does not exist",
  Proxy: "Proxy does not exist",
  Reflect: "Reflect does not exist",
});

const STATICS_MISSING: Record<string, string[]> = Object.assign(Object.create(null), {
  Promise: ["race", "allSettled", "any"],
  Array: ["from", "of"],
  Object: ["freeze"],
  Number: ["isInteger"],
  Math: ["trunc"],
});

/** Methods missing on instances, whatever the receiver (the gate cannot know its type). */
const METHODS_MISSING: Record<string, string> = Object.assign(Object.create(null), {
  finally: "Promise.prototype.finally does not exist: use then(f, f)",
  flat: "[].flat does not exist",
  flatMap: "[].flatMap does not exist",
  lastIndexOf: "[].lastIndexOf does not exist: loop backwards with indexOf or a for loop",
  trimStart: "trimStart does not exist: use replace(/^\\s+/, '')",
  trimEnd: "trimEnd does not exist: use replace(/\\s+$/, '')",
});

const BUILTINS = ["Array", "Object", "Function", "String", "Number", "Boolean", "RegExp", "Date", "Promise", "Error", "ArrayBuffer", "Uint8Array", "Math", "JSON"];

const ERRORS = /^(Error|TypeError|RangeError|SyntaxError|ReferenceError|EvalError|URIError|AggregateError)$/;

function isFunction(n: AnyNode): boolean {
  return n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression";
}

/** Child nodes of a node, in source order. */
function children(n: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const k of Object.keys(n)) {
    if (k === "loc" || k === "start" || k === "end" || k === "type") continue;
    const v = n[k] as unknown;
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c === "object" && typeof (c as AnyNode).type === "string") out.push(c as AnyNode);
    } else if (v && typeof v === "object" && typeof (v as AnyNode).type === "string") out.push(v as AnyNode);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Every name bound anywhere (declarations, parameters, catch bindings): such names are not the globals. */
function boundNames(root: AnyNode): Set<string> {
  const names = new Set<string>();
  const bind = (p: AnyNode | null | undefined): void => {
    if (!p) return;
    if (p.type === "Identifier") names.add(p.name as string);
    else if (p.type === "ObjectPattern") for (const q of p.properties as AnyNode[]) bind(q.type === "RestElement" ? q : (q.value as AnyNode));
    else if (p.type === "ArrayPattern") for (const q of p.elements as AnyNode[]) bind(q);
    else if (p.type === "RestElement") bind(p.argument as AnyNode);
    else if (p.type === "AssignmentPattern") bind(p.left as AnyNode);
  };
  const visit = (n: AnyNode): void => {
    if (n.type === "VariableDeclarator") bind(n.id as AnyNode);
    if (isFunction(n)) {
      bind(n.id as AnyNode);
      for (const p of n.params as AnyNode[]) bind(p);
    }
    if (n.type === "ClassDeclaration" || n.type === "ClassExpression") bind(n.id as AnyNode);
    if (n.type === "CatchClause") bind(n.param as AnyNode);
    for (const c of children(n)) visit(c);
  };
  visit(root);
  return names;
}

/** Is this Identifier read as a variable (not a property name, key or label)? */
function isReference(n: AnyNode, parent: AnyNode | undefined): boolean {
  if (!parent) return true;
  if ((parent.type === "MemberExpression" && parent.property === n && !parent.computed)) return false;
  if ((parent.type === "Property" || parent.type === "MethodDefinition" || parent.type === "PropertyDefinition") && parent.key === n && !parent.computed) {
    return parent.type === "Property" && !!parent.shorthand;
  }
  if (parent.type === "LabeledStatement" || parent.type === "BreakStatement" || parent.type === "ContinueStatement") return false;
  return true;
}

/** Calls run while a scope's own statements run: not inside functions defined there (except IIFEs). */
function immediateCalls(n: AnyNode, out: AnyNode[]): void {
  if (n.type === "CallExpression" || n.type === "NewExpression") {
    out.push(n);
    const callee = n.callee as AnyNode;
    if (isFunction(callee)) immediateCalls(callee.body as AnyNode, out);
  }
  for (const c of children(n)) {
    if (isFunction(c) || c.type === "ClassBody") continue;
    immediateCalls(c, out);
  }
}

/** Checks one scope (a program or function body) for calls to function declarations that come later. */
function checkHoisting(body: AnyNode[], report: (n: AnyNode, rule: string, message: string) => void): void {
  const declaredAt = new Map<string, number>();
  body.forEach((s, i) => {
    if (s.type === "FunctionDeclaration" && s.id) declaredAt.set((s.id as AnyNode).name as string, i);
  });
  if (!declaredAt.size) return;
  body.forEach((s, i) => {
    if (s.type === "FunctionDeclaration") return;
    const calls: AnyNode[] = [];
    immediateCalls(s, calls);
    for (const c of calls) {
      const callee = c.callee as AnyNode;
      if (callee.type !== "Identifier") continue;
      const at = declaredAt.get(callee.name as string);
      if (at !== undefined && at > i) {
        report(c, "called before its declaration", "function " + callee.name + " is called before the statement that declares it: Espruino does not hoist function declarations; move the declaration up");
      }
    }
  });
}

/**
 * What a regular expression literal asks of Espruino's RegExp engine that it does not have. That
 * engine is its own small one: it reads `\u` escapes as plain characters (so /[\u007f-\uffff]/
 * matches "0", "7" and "f".."u" on the device and nothing ASCII on Node), and it lacks lookaround,
 * named groups, {n} quantifiers, property escapes and all flags but g and i. Better still: no RegExp on the
 * device path where a loop over charCodeAt does (shared/src/check.ts has onlyChars).
 */
function checkRegex(pattern: string, flags: string): string {
  if (/\(\?<?[=!]/.test(pattern)) return "lookahead or lookbehind";
  if (/\(\?<[A-Za-z_$]/.test(pattern)) return "named groups";
  if (/(^|[^\\])\{\d+(,\d*)?\}/.test(pattern)) return "a {n} quantifier";
  // An escape is a backslash preceded by an even number of backslashes.
  if (/(^|[^\\])(\\\\)*\\u/.test(pattern)) return "\\u escapes (they become plain characters on the device)";
  if (/(^|[^\\])(\\\\)*\\[pP]\{/.test(pattern)) return "\\p{...} property escapes";
  // Measured on the interpreter: g and i work; m is ignored (^ matches only at the start); s is a syntax error.
  const bad = flags.replace(/[gi]/g, "");
  if (bad) return "flag " + bad.split("").join(", ") + " (only g and i)";
  return "";
}

/** Decodes a source map's mappings into, per generated line, [column, source, line, column] rows. */
function decodeMappings(map: SourceMap): number[][][] {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const lines: number[][][] = [];
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  for (const lineText of map.mappings.split(";")) {
    const rows: number[][] = [];
    let col = 0;
    for (const seg of lineText.split(",")) {
      if (!seg) continue;
      const vals: number[] = [];
      let shift = 0;
      let value = 0;
      for (const ch of seg) {
        const d = chars.indexOf(ch);
        value += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          vals.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      col += vals[0];
      if (vals.length >= 4) {
        src += vals[1];
        srcLine += vals[2];
        srcCol += vals[3];
        rows.push([col, src, srcLine, srcCol]);
      }
    }
    lines.push(rows);
  }
  return lines;
}

function locate(lines: number[][][], map: SourceMap, line: number, column: number): Place | undefined {
  const rows = lines[line - 1];
  if (!rows) return undefined;
  let best: number[] | undefined;
  for (const r of rows) if (r[0] <= column && (!best || r[0] >= best[0])) best = r;
  if (!best) return undefined;
  return { file: map.sources[best[1]], line: best[2] + 1, column: best[3] };
}

/** Everything in `code` that Espruino cannot run, in source order. */
export function gate(code: string, map?: SourceMap): Violation[] {
  const found: Violation[] = [];
  const lines = map ? decodeMappings(map) : [];
  const report = (n: AnyNode, rule: string, message: string): void => {
    const loc = (n.loc as { start: { line: number; column: number } }).start;
    const v: Violation = { rule, message, line: loc.line, column: loc.column };
    const source = map ? locate(lines, map, loc.line, loc.column) : undefined;
    if (source) v.source = source;
    found.push(v);
  };

  let root: AnyNode;
  try {
    root = parse(code, { ecmaVersion: "latest", sourceType: "script", locations: true, allowHashBang: true }) as unknown as AnyNode;
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } };
    return [{ rule: "syntax", message: "not valid JavaScript: " + err.message, line: err.loc?.line ?? 1, column: err.loc?.column ?? 0 }];
  }
  const bound = boundNames(root);

  const visit = (n: AnyNode, parent: AnyNode | undefined): void => {
    switch (n.type) {
      case "ObjectPattern":
      case "ArrayPattern":
        report(n, "destructuring", "destructuring does not parse on Espruino: read the properties one by one");
        break;
      case "SpreadElement":
        report(n, "spread", "spread (...) does not parse on Espruino: use concat, apply or Object.assign");
        break;
      case "RestElement":
        report(n, "rest", "rest parameters/elements (...) do not parse on Espruino: use arguments or slice");
        break;
      case "AssignmentPattern":
        report(n, "default parameter", "default values for parameters do not parse on Espruino: test for undefined in the body");
        break;
      case "AwaitExpression":
        report(n, "await", "await does not exist on Espruino: use then()");
        break;
      case "YieldExpression":
        report(n, "yield", "generators do not exist on Espruino");
        break;
      case "ChainExpression":
        report(n, "optional chaining", "?. does not parse on Espruino: test with && (esbuild lowers it below es2020)");
        break;
      case "LabeledStatement":
        report(n, "label", "labels do not parse on Espruino: use a flag or a function with return");
        break;
      case "TaggedTemplateExpression":
        report(n, "tagged template", "tagged templates do not exist on Espruino");
        break;
      case "PrivateIdentifier":
        report(n, "#private", "#private members do not exist on Espruino: use closures or a naming convention");
        break;
      case "StaticBlock":
        report(n, "static block", "class static blocks do not exist on Espruino");
        break;
      case "ImportExpression":
        report(n, "import()", "dynamic import does not exist on Espruino: bundle everything");
        break;
      case "MetaProperty":
        report(n, (n.meta as AnyNode).name + "." + (n.property as AnyNode).name, "meta properties do not exist on Espruino");
        break;
      case "ForOfStatement":
        if (n.await) report(n, "for await", "for await does not exist on Espruino");
        break;
      case "AssignmentExpression": {
        const op = n.operator as string;
        if (op === "??=" || op === "||=" || op === "&&=") report(n, "logical assignment", op + " does not parse on Espruino: write a = a ?? b");
        if (op === "**=") report(n, "exponent", "**= does not parse on Espruino: use Math.pow");
        break;
      }
      case "BinaryExpression":
        if (n.operator === "**") report(n, "exponent", "** does not parse on Espruino: use Math.pow");
        break;
      case "ArrayExpression":
        if ((n.elements as unknown[]).indexOf(null) >= 0) report(n, "array hole", "an array literal with a hole ([1,,2]) can be a syntax error on Espruino: write undefined");
        break;
      case "Property":
      case "MethodDefinition":
      case "PropertyDefinition":
        if (n.computed) report(n, "computed key", "computed property keys ({[k]: v}) do not parse on Espruino: assign o[k] = v after");
        break;
      case "ClassDeclaration":
      case "ClassExpression": {
        const sup = n.superClass as AnyNode | null;
        if (sup && sup.type === "Identifier" && ERRORS.test(sup.name as string)) {
          report(n, "class extends Error", "a class extending " + sup.name + " throws at construction on Espruino: use plain objects");
        }
        break;
      }
      case "Identifier": {
        const name = n.name as string;
        if (GLOBALS_MISSING[name] && !bound.has(name) && isReference(n, parent)) report(n, name, GLOBALS_MISSING[name]);
        break;
      }
      case "MemberExpression": {
        const obj = n.object as AnyNode;
        const prop = n.property as AnyNode;
        const key = !n.computed && prop.type === "Identifier" ? (prop.name as string) : undefined;
        if (obj.type === "Identifier" && !bound.has(obj.name as string) && key) {
          const missing = STATICS_MISSING[obj.name as string];
          if (missing && missing.indexOf(key) >= 0) report(n, obj.name + "." + key, obj.name + "." + key + " does not exist on Espruino");
          if (key === "prototype" && BUILTINS.indexOf(obj.name as string) >= 0) {
            report(n, obj.name + ".prototype", obj.name + ".prototype.x is undefined for built-ins on Espruino: use an instance, as in [].slice.call or ({}).hasOwnProperty.call");
          }
        }
        if (key && METHODS_MISSING[key] && parent && parent.type === "CallExpression" && parent.callee === n) report(n, "." + key, METHODS_MISSING[key]);
        break;
      }
      case "Literal": {
        const re = n.regex as { pattern: string; flags: string } | undefined;
        const bad = re ? checkRegex(re.pattern, re.flags) : "";
        if (bad) report(n, "regexp", "Espruino's RegExp has no " + bad + ": /" + (re as { pattern: string }).pattern + "/");
        break;
      }
    }
    if (isFunction(n)) {
      if (n.async) report(n, "async", "async functions do not exist on Espruino (esbuild turns them into generators): use promises");
      if (n.generator) report(n, "generator", "generators do not exist on Espruino");
      const body = n.body as AnyNode;
      if (body.type === "BlockStatement") checkHoisting(body.body as AnyNode[], report);
    }
    if (n.type === "Program") checkHoisting(n.body as AnyNode[], report);
    for (const c of children(n)) visit(c, n);
  };
  visit(root, undefined);
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}

export function formatViolation(v: Violation, bundleName = "bundle"): string {
  const where = v.source ? v.source.file + ":" + v.source.line + ":" + (v.source.column + 1) + " (" + bundleName + " " + v.line + ":" + (v.column + 1) + ")" : bundleName + ":" + v.line + ":" + (v.column + 1);
  return where + ": " + v.rule + ": " + v.message;
}
