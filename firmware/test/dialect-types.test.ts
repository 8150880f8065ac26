// The compile-time half of the dialect: firmware/tsconfig.device.json type-checks the device's code
// against ES5's library plus what Espruino adds (dialect/espruino-globals.d.ts), without Node's types.
// The device's code passes; a sample using what Espruino lacks fails at tsc, line by line.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FIRMWARE = join(import.meta.dirname, "..");
const TSC = join(FIRMWARE, "..", "node_modules", "typescript", "bin", "tsc");

function tsc(project: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [TSC, "-p", project], { encoding: "utf8" });
  return { code: r.status, out: r.stdout + r.stderr };
}

test("the device's code type-checks against Espruino's library", () => {
  const r = tsc(join(FIRMWARE, "tsconfig.device.json"));
  assert.is(r.code, 0, r.out);
});

test("what Espruino lacks is a compile error there, each on its own line", () => {
  const dir = mkdtempSync(join(tmpdir(), "bttn-dialect-"));
  try {
    const lines = [
      "const m = new Map<string, number>();",
      "const s = new Set<number>();",
      "const a = Array.from([1]);",
      "const i = Number.isInteger(3);",
      "const t = Math.trunc(2.5);",
      "const p = Promise.race([Promise.resolve(1)]);",
      "const w = ' x'.trimStart();",
      "const y = Symbol('x');",
      "const b = Buffer.from('x');",
      "const ok = Object.assign({}, { a: 1 });", // Espruino has this one: no error on this line
      "export { m, s, a, i, t, p, w, y, b, ok };",
    ];
    writeFileSync(join(dir, "sample.ts"), lines.join("\n") + "\n");
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ extends: join(FIRMWARE, "tsconfig.device.json"), files: ["sample.ts", join(FIRMWARE, "dialect", "espruino-globals.d.ts")] }),
    );
    const r = tsc(join(dir, "tsconfig.json"));
    assert.is.not(r.code, 0);
    const bad = new Set([...r.out.matchAll(/sample\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1])));
    assert.equal([...bad].sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 9], r.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
