// The device check's pure parts, which run without the interpreter (and so in CI): the LED
// writes decoded back into pattern names (played by the real LED player), the console's lines
// classified, and the one line it prints when there is no interpreter to run on.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createLed } from "../src/core/led";
import { PatternName } from "../src/core/led-patterns";
import { cleanLine, lineSplitter, parseLine } from "../device-check/console-lines";
import { Colour, colourFolder, DEFAULT_PINS, patternOf, patternsShown } from "../device-check/led-trace";
import { fakeBindings } from "./fakes";

/** The real LED player on a fake clock, its writes folded as the device check folds the preamble's. */
function player() {
  const b = fakeBindings();
  const colours: Colour[] = [];
  const fold = colourFolder();
  b.pwm = (pin, duty) => {
    const c = fold(b.now(), pin, Math.round(duty * 255));
    if (c) colours.push(c);
  };
  const led = createLed(b, [DEFAULT_PINS.red, DEFAULT_PINS.green, DEFAULT_PINS.blue], false);
  const names = () => patternsShown(colours).map((s) => s.name);
  return { b, led, colours, names, play: (name: PatternName, ms: number) => (led.show(name), b.clock.advance(ms)) };
}

test("every pattern the player shows is named back, in order", () => {
  const p = player();
  p.play("connecting", 2500);
  p.play("off", 300);
  p.play("pending", 1300);
  p.play("off", 300);
  p.play("ok", 2500);
  p.play("fail", 2000);
  p.play("queued", 1000);
  p.play("denied", 3500);
  p.play("off", 300);
  p.play("armed", 500);
  p.play("lowbat", 1000);
  p.play("setup", 3000);
  p.play("off", 100);
  assert.equal(p.names(), ["connecting", "pending", "ok", "fail", "queued", "denied", "armed", "lowbat", "setup"]);
});

test("results in a row count one each; one looping state counts once", () => {
  const p = player();
  p.play("pending", 5000);
  for (let i = 0; i < 5; i++) {
    p.play("off", 200);
    p.play("ok", 2100);
  }
  p.play("fail", 1600);
  p.play("fail", 1600);
  assert.equal(p.names(), ["pending", "ok", "ok", "ok", "ok", "ok", "fail", "fail"]);
});

test("red is fail or denied by how long it stays; still showing, it is neither yet", () => {
  assert.is(patternOf(0xff0000, 260), "fail");
  assert.is(patternOf(0xff0000, 990), "denied");
  assert.is(patternOf(0xff0000, undefined), undefined);
  assert.is(patternOf(0x00ff00, undefined), "ok", "a colour of one pattern only needs no length");
  assert.is(patternOf(0x123456, 100), undefined);
});

test("a colour is complete when its blue channel is written", () => {
  const fold = colourFolder();
  assert.is(fold(1, 21, 255), undefined);
  assert.is(fold(1, 22, 160), undefined);
  assert.equal(fold(2, 23, 0), { ms: 2, rgb: 0xffa000 });
});

test("console lines: prompt and erase codes removed, each kind told apart", () => {
  assert.is(cleanLine(">\x1b[J@pwm 73093 21 0\r"), "@pwm 73093 21 0");
  assert.equal(parseLine(">\x1b[J@pwm 73093 21 255\r"), { kind: "pwm", ms: 73093, pin: 21, duty: 255 });
  assert.equal(parseLine("@r12 1853\r"), { kind: "answer", id: 12, text: "1853" });
  assert.equal(parseLine("@r3 \r"), { kind: "answer", id: 3, text: "" });
  assert.equal(parseLine("@watchdog 20"), { kind: "preamble", text: "watchdog 20" });
  assert.equal(parseLine(">Uncaught Error: Module \"Wifi\" not found\r"), { kind: "error", text: 'Uncaught Error: Module "Wifi" not found' });
  assert.equal(parseLine("bttn devcheck fw 0.1.0 boot 8aef14d8, queued 0, dropped 0\r"), { kind: "log", text: "bttn devcheck fw 0.1.0 boot 8aef14d8, queued 0, dropped 0" });
  assert.is(parseLine(">\r"), undefined);
  assert.is(parseLine(""), undefined);
});

test("console output split into lines across chunks", () => {
  const lines: string[] = [];
  const feed = lineSplitter((l) => lines.push(l));
  feed("@pwm 1 2");
  feed("1 0\r\n@pwm 1 22 0\r\n@pw");
  assert.equal(lines, ["@pwm 1 21 0\r", "@pwm 1 22 0\r"]);
  feed("m 1 23 0\n");
  assert.is(lines.length, 3);
});

test("without ESPRUINO_BIN: one line saying what it needs, exit 0", async () => {
  const env = { ...process.env };
  delete env.ESPRUINO_BIN;
  const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const p = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "..", "device-check", "run.ts")], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("close", (code) => resolve({ code, out, err }));
  });
  assert.is(r.code, 0, r.err);
  const lines = r.out.trim().split("\n");
  assert.is(lines.length, 1, r.out);
  assert.match(lines[0], /^device check skipped: it needs a Linux build of the Espruino interpreter in ESPRUINO_BIN/);
  assert.match(lines[0], /make RELEASE=1/);
});

test.run();
