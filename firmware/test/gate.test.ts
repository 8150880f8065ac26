// The dialect gate: one sample of every construct Espruino cannot run (docs/espruino.md) is
// caught, named, and placed; code Espruino runs passes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build } from "esbuild";
import { formatViolation, gate } from "../scripts/gate";

const SAMPLES: [rule: string, code: string][] = [
  ["destructuring", "var {a, b} = o;"],
  ["destructuring", "var [x, y] = list;"],
  ["destructuring", "function f({a}) { return a; }"],
  ["spread", "f(...args);"],
  ["spread", "var o2 = {...o};"],
  ["rest", "function f(a, ...more) { return more; }"],
  ["default parameter", "function f(a = 1) { return a; }"],
  ["async", "async function f() {}"],
  ["await", "async function f() { await p; }"],
  ["generator", "function* g() {}"],
  ["yield", "function* g() { yield 1; }"],
  ["computed key", "var o = { [k]: 1 };"],
  ["computed key", "class A { [k]() {} }"],
  ["optional chaining", "var v = a?.b;"],
  ["logical assignment", "a ??= 1;"],
  ["logical assignment", "a ||= 1;"],
  ["logical assignment", "a &&= 1;"],
  ["exponent", "var p = 2 ** 8;"],
  ["label", "outer: for (;;) { break outer; }"],
  ["tagged template", "var s = tag`x`;"],
  ["#private", "class A { #x = 1; get() { return this.#x; } }"],
  ["class extends Error", "class E extends Error {}"],
  ["class extends Error", "var E = class extends TypeError {};"],
  ["Map", "var m = new Map();"],
  ["Set", "var s = new Set();"],
  ["WeakMap", "var w = new WeakMap();"],
  ["Symbol", "var i = Symbol.iterator;"],
  ["Promise.race", "Promise.race([a, b]);"],
  ["Promise.allSettled", "Promise.allSettled([a]);"],
  ["Promise.any", "Promise.any([a]);"],
  [".finally", "p.then(f).finally(g);"],
  ["Array.from", "Array.from(s);"],
  ["Array.of", "Array.of(1, 2);"],
  ["Object.freeze", "Object.freeze(o);"],
  ["Number.isInteger", "Number.isInteger(3);"],
  ["Math.trunc", "Math.trunc(2.5);"],
  [".flat", "[[1]].flat();"],
  [".lastIndexOf", "[1, 2].lastIndexOf(2);"],
  [".trimStart", "s.trimStart();"],
  ["Array.prototype", "var sl = Array.prototype.slice;"],
  ["Object.prototype", "var has = Object.prototype.hasOwnProperty.call(o, 'k');"],
  ["Function.prototype", "Function.prototype.call.call(f, null);"],
  ["called before its declaration", "go(); function go() {}"],
  ["called before its declaration", "(function () { var x = later(1); function later(a) { return a; } })();"],
  ["array hole", "var h = [1, , 2];"],
  ["regexp", "var r = /a{3}/;"],
  ["regexp", "var r = /a(?=b)/;"],
  ["regexp", "var r = /(?<=a)b/;"],
  ["regexp", "var r = /(?<year>\\d+)/;"],
  ["regexp", "var r = /[\\u007f-\\uffff]/;"],
  ["regexp", "var r = /\\p{L}/u;"],
  ["regexp", "var r = /a/u;"],
  ["regexp", "var r = /a/y;"],
  ["regexp", "var r = /a.b/s;"],
  ["regexp", "var r = /^b/m;"],
  ["import()", "import('x');"],
];

for (const [rule, code] of SAMPLES) {
  test("catches " + rule + ": " + code, () => {
    // Put the sample on line 3, after code that is fine, to check the place reported.
    const v = gate("var ok = 1;\nfunction fine(a) { return a + 1; }\n" + code);
    const hit = v.find((x) => x.rule === rule);
    assert.ok(hit, "expected " + rule + " in " + JSON.stringify(v));
    assert.is(hit!.line, 3, "on the sample's line");
    assert.ok(hit!.column >= 0 && hit!.column < code.length, "a column inside the sample");
    assert.ok(hit!.message.length > 10, "a message a person can act on");
  });
}

test("code Espruino runs passes: arrows, classes, let/const, templates, for..of, ??, getters, spread-free calls", () => {
  const code = [
    "var add = (a, b) => a + b;",
    "class A { constructor(x) { this.x = x; } get y() { return this.x; } static z() { return 1; } }",
    "class B extends A { constructor() { super(1); } }",
    "for (const v of [1, 2]) { let w = `v=${v}`; }",
    "var n = o.a ?? 3;",
    "var o = { a, m() { return 1; } };",
    "Promise.all([p]).then(function (r) {}, function (e) {});",
    "var s = [].slice.call(arguments0);",
    "var r = /^[0-9a-f]+$/;",
    "var r2 = /[a-z]x\\x41/gi;",
    "var r3 = /\\\\u/;", // a literal backslash, then u: no \u escape
    "var map = {}; var Map2 = 1;",
    "function early() { return later(); } function later() { return 1; } early();",
    "try { x(); } catch { }",
    "var t = o.finallyX;",
  ].join("\n");
  assert.equal(gate(code), []);
});

test("a name bound in the code is not the missing global (a local called Map is fine)", () => {
  assert.equal(gate("function f(Map) { return new Map(); }"), []);
});

test("not JavaScript at all is a violation, not a crash", () => {
  const v = gate("var = ;");
  assert.is(v[0].rule, "syntax");
});

test("with esbuild's source map, a violation points at the TypeScript line it came from", async () => {
  // esbuild passes default parameters through at es2015: exactly what the gate is for.
  const r = await build({
    stdin: { contents: "export function f(a: number = 2): number {\n  return a;\n}\nconsole.log(f());\n", sourcefile: "sample.ts", loader: "ts" },
    bundle: true,
    format: "iife",
    target: "es2015",
    minify: true,
    sourcemap: "external",
    write: false,
    outfile: "out.js",
  });
  const js = r.outputFiles.find((f) => f.path.endsWith(".js"))!.text;
  const map = JSON.parse(r.outputFiles.find((f) => f.path.endsWith(".map"))!.text);
  const v = gate(js, map);
  assert.is(v.length, 1);
  assert.is(v[0].rule, "default parameter");
  assert.equal([v[0].source!.file, v[0].source!.line], ["sample.ts", 1]);
  assert.match(formatViolation(v[0], "out.js"), /^sample\.ts:1:\d+ \(out\.js 1:\d+\): default parameter: /);
});

test.run();
