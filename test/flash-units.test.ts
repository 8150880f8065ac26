// The pieces of flash.sh that need no board: CRC, the read-back line, ports, masking, arguments.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { randomBytes } from "node:crypto";
import * as vm from "node:vm";
import { crc32 as zlibCrc32 } from "node:zlib";
import { parseArgs, UsageError } from "../firmware/scripts/flash-args";
import { redact } from "../firmware/scripts/flash-espruino";
import { compareCheck, crc32, makeCheckLine, parseCheck, StoredFile } from "../firmware/scripts/flash-plan";
import { parsePort } from "../firmware/scripts/flash-port";

const file = (name: string, bytes: Buffer): StoredFile => ({ name, bytes, crc: crc32(bytes) });

/** Runs the read-back line the way the board would, with the given Storage contents. */
function runCheckLine(line: string, stored: Map<string, Buffer>): { printed: string; loaded: boolean; erased: string[] } {
  let printed = "";
  let loaded = false;
  const erased: string[] = [];
  const Storage = {
    read: (n: string) => stored.get(n)?.toString("latin1"),
    erase: (n: string) => erased.push(n),
  };
  vm.runInNewContext(line, {
    require: (m: string) => (m === "Storage" ? Storage : undefined),
    // Like a build where E.CRC32 is signed: the line must cope.
    E: { CRC32: (d: string) => zlibCrc32(Buffer.from(d, "latin1")) | 0 },
    print: (...a: unknown[]) => (printed += a.join(" ")),
    load: () => (loaded = true),
  });
  return { printed, loaded, erased };
}

test("crc32 is the standard CRC-32 that E.CRC32 computes", () => {
  for (const n of [0, 1, 255, 4096, 16384]) {
    const b = randomBytes(n);
    assert.is(crc32(b), zlibCrc32(b));
  }
  assert.is(crc32(Buffer.from("123456789")), 0xcbf43926);
});

test("the read-back line loads only when every file matches, else erases the program", () => {
  const files = [file("bttn.json", Buffer.from('{"id":"a"}')), file(".bootcde", randomBytes(3000))];
  const line = makeCheckLine(files);
  assert.not.ok(line.includes("\n"), "one console line");
  assert.not.ok(line.includes("BTTN-CHECK"), "the marker is assembled on the board");

  const good = runCheckLine(line, new Map(files.map((f) => [f.name, f.bytes])));
  assert.ok(good.loaded);
  const check = parseCheck(">" + good.printed)!;
  assert.ok(check.ok);
  assert.is(compareCheck(files, check), "");

  const damaged = Buffer.from(files[1].bytes);
  damaged[100] ^= 1;
  const bad = runCheckLine(line, new Map([["bttn.json", files[0].bytes], [".bootcde", damaged]]));
  assert.not.ok(bad.loaded);
  assert.equal(bad.erased, [".bootcde"]);
  const badCheck = parseCheck(bad.printed)!;
  assert.not.ok(badCheck.ok);
  assert.match(compareCheck(files, badCheck), /^\.bootcde on the board has 3000 bytes, CRC32 0x[0-9a-f]{8}, expected 3000 bytes/);

  const missing = runCheckLine(line, new Map([[".bootcde", files[1].bytes]]));
  assert.match(compareCheck(files, parseCheck(missing.printed)!), /^bttn\.json is missing on the board/);
});

test("with setup mode's bundle as a third file: a damaged bttn-setup.js stops the restart too", () => {
  const files = [file("bttn.json", Buffer.from('{"id":"a"}')), file(".bootcde", randomBytes(3000)), file("bttn-setup.js", randomBytes(2000))];
  const line = makeCheckLine(files);
  const good = runCheckLine(line, new Map(files.map((f) => [f.name, f.bytes])));
  assert.ok(good.loaded);
  assert.is(compareCheck(files, parseCheck(good.printed)!), "");
  const damaged = Buffer.from(files[2].bytes);
  damaged[7] ^= 1;
  const bad = runCheckLine(line, new Map([["bttn.json", files[0].bytes], [".bootcde", files[1].bytes], ["bttn-setup.js", damaged]]));
  assert.not.ok(bad.loaded);
  assert.equal(bad.erased, [".bootcde"], "no half-flashed bttn runs");
  assert.match(compareCheck(files, parseCheck(bad.printed)!), /^bttn-setup\.js on the board has 2000 bytes/);
});

test("ports: serial paths as given, tcp with the telnet port by default", () => {
  assert.equal(parsePort("/dev/ttyUSB0"), { kind: "serial", path: "/dev/ttyUSB0", label: "/dev/ttyUSB0" });
  assert.equal(parsePort("tcp://192.168.1.50"), { kind: "tcp", host: "192.168.1.50", port: 23, url: "tcp://192.168.1.50:23", label: "tcp://192.168.1.50:23" });
  assert.is((parsePort("tcp://bttn-hall.local:2323/") as { port: number }).port, 2323);
  assert.throws(() => parsePort("tcp://"), /expected tcp:\/\/HOST/);
  assert.throws(() => parsePort("tcp://host:0"), /1-65535/);
  assert.throws(() => parsePort("tcp://[::1]:23"), /IPv6/);
});

test("redact masks secrets and base64 payloads", () => {
  const t = redact('>require("Storage").write("bttn.json",atob("eyJpZCI6ImEiLCJzZWNyZXQiOiJ4In0="),0,20) secret=hunter2', ["hunter2"]);
  assert.not.ok(t.includes("eyJp"));
  assert.not.ok(t.includes("hunter2"));
  assert.match(t, /atob\("\.\.\."\)/);
});

test("arguments: required ones, numbers, and --opt=value", () => {
  assert.equal(parseArgs(["--port=/dev/ttyUSB0", "-c", "k.json"]).port, "/dev/ttyUSB0");
  assert.is(parseArgs(["-p", "x", "-c", "k.json", "--timeout", "2.5"]).timeoutS, 2.5);
  assert.is(parseArgs(["-p", "x", "-c", "k.json"]).baud, 115200);
  assert.ok(parseArgs(["--help"]).help);
  assert.ok(parseArgs(["--dry-run", "out", "-c", "k.json"]).dryRun);
  assert.throws(() => parseArgs(["-c", "k.json"]), (e: unknown) => e instanceof UsageError && /--port PORT is required/.test((e as Error).message));
  assert.throws(() => parseArgs(["-p", "x", "-c", "k.json", "-b", "fast"]), /positive number/);
  assert.throws(() => parseArgs(["-p", "x", "-c"]), /needs a value/);
  assert.throws(() => parseArgs(["--dry-run", "o", "--espruino-firmware", "d", "-c", "k"]), /do not go together/);
});

test.run();
