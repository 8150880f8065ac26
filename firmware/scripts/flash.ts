// flash.sh does its work here: put a bttn's device file and the firmware onto a board running
// Espruino, prove they arrived intact, and restart the board into them.
//   ./flash.sh --port /dev/ttyUSB0 --config kitchen.json
//   ./flash.sh --port tcp://192.168.1.50 --config kitchen.json
//   ./flash.sh --dry-run out/ --config kitchen.json --bundle firmware/dist/bttn.js
// Order matters: everything that can be checked here (arguments, device file, port, release
// folder) is checked before the build, and the build before anything is sent.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { loopbackWarning } from "@bttn/shared";
import { parseArgs, USAGE, UsageError } from "./flash-args";
import { FlashError } from "./flash-error";
import { probe, redact, STAGED, stopAll, upload, writeBoardFile, writeStream } from "./flash-espruino";
import { ESPTOOL_HINT, findEsptool, flashInterpreter, releaseImages } from "./flash-esptool";
import { compareCheck, describe, FlashPlan, makePlan, readDeviceFile, SETUP_FILE } from "./flash-plan";
import { checkSerialPort, parsePort, Port } from "./flash-port";

const ROOT = resolve(import.meta.dirname, "..", "..");
const BUILT_BUNDLE = join(ROOT, "firmware", "dist", "bttn.js");

function say(line: string): void {
  process.stdout.write(line + "\n");
}

function build(): string {
  say("building the firmware (npm run build -w firmware)...");
  const r = spawnSync("npm", ["run", "build", "-w", "firmware"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (r.error) throw new FlashError("cannot run npm: " + r.error.message);
  if (r.status !== 0) throw new FlashError("the firmware build failed (exit " + r.status + ")", "fix the build, or flash a ready bundle with --bundle FILE");
  return BUILT_BUNDLE;
}

/** The files the CLI reads, in a private folder: the device file holds a secret. */
function stage(plan: FlashPlan | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), "bttn-flash-"));
  writeBoardFile(dir);
  if (plan) {
    writeFileSync(join(dir, STAGED.config), plan.files[0].bytes, { mode: 0o600 });
    writeFileSync(join(dir, STAGED.bundle), plan.files[1].bytes);
    if (plan.files[2]) writeFileSync(join(dir, STAGED.setup), plan.files[2].bytes);
    writeFileSync(join(dir, STAGED.check), plan.checkLine + "\n");
  }
  return dir;
}

function summary(plan: FlashPlan): void {
  const d = plan.device;
  say("config   " + plan.configPath + ": bttn " + d.id + ", relay " + d.relay.host + ":" + d.relay.port + (d.wifi ? ", Wi-Fi " + JSON.stringify(d.wifi.ssid) : ""));
  for (const f of plan.files) say("file     " + f.name.padEnd(14) + describe({ length: f.bytes.length, crc: f.crc }));
  if (!plan.files[2]) say("warning  no " + SETUP_FILE + " next to the bundle: this bttn will have no setup mode");
  const loopback = loopbackWarning(d);
  if (loopback) say("warning  " + loopback + "; put the relay's LAN address in relay.host (or make the file again: bttn-relay bttn device-file " + d.id + " --relay-host ADDR)");
}

/** "a, b and c" */
function names(plan: FlashPlan): string {
  const n = plan.files.map((f) => f.name);
  return n.slice(0, -1).join(", ") + " and " + n[n.length - 1];
}

/** Setup mode's bundle: the build's, or the one next to a ready bundle given with --bundle. */
function setupBundle(bundle: string): string | undefined {
  const path = join(dirname(bundle), SETUP_FILE);
  return existsSync(path) ? path : undefined;
}

async function dryRun(plan: FlashPlan, staging: string, dir: string, baud: number): Promise<void> {
  const stream = await writeStream({ staging, baud, setup: plan.files.length > 2 });
  mkdirSync(dir, { recursive: true });
  // The stream carries the device file in base64: as private as the file itself.
  const outputs: [string, Buffer][] = plan.files.map((f) => [f.name, f.bytes]);
  outputs.push(["upload.js", readFileSync(stream)]);
  for (const [name, bytes] of outputs) {
    writeFileSync(join(dir, name), bytes, { mode: 0o600 });
    chmodSync(join(dir, name), 0o600);
  }
  const names = plan.files.map((f) => f.name).concat("upload.js");
  say("dry run: wrote " + names.join(", ") + " to " + dir + " (nothing sent)");
}

async function main(argv: string[]): Promise<number> {
  const started = Date.now();
  const args = parseArgs(argv);
  if (args.help) {
    say(USAGE);
    return 0;
  }
  const port: Port | undefined = args.port && !args.dryRun ? parsePort(args.port) : undefined;
  if (args.espruinoFirmware && port?.kind !== "serial") throw new FlashError("--espruino-firmware needs a serial port: the interpreter cannot be flashed over Wi-Fi");
  const config = args.config ? { path: args.config, ...readDeviceFile(args.config) } : undefined;
  if (port?.kind === "serial") checkSerialPort(port.path);
  let images: string[] = [];
  let esptool: string[] | undefined;
  if (args.espruinoFirmware) {
    images = releaseImages(args.espruinoFirmware);
    esptool = findEsptool();
    if (!esptool) throw new FlashError("cannot flash the Espruino interpreter: esptool not found", ESPTOOL_HINT);
  }
  const bundle = config ? args.bundle ?? build() : undefined;
  const plan = config && bundle ? makePlan(config, bundle, setupBundle(bundle)) : undefined;
  if (plan) summary(plan);

  const staging = stage(plan);
  const cleanup = () => rmSync(staging, { recursive: true, force: true });
  const onSignal = () => {
    stopAll();
    cleanup();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    if (args.dryRun) {
      await dryRun(plan!, staging, args.dryRun, args.baud);
      return 0;
    }
    if (esptool && port?.kind === "serial") {
      say("flashing the Espruino interpreter from " + args.espruinoFirmware + " with esptool...");
      await flashInterpreter(esptool, port.path, images);
      say("interpreter flashed");
      if (!plan) return 0;
    }
    if (!plan || !port) return 0;

    // A freshly flashed board needs a few seconds to boot before its console answers.
    const tries = esptool ? 3 : 1;
    let board;
    for (let i = 1; ; i++) {
      try {
        board = await probe(port, { staging, baud: args.baud, timeoutS: args.timeoutS });
        break;
      } catch (e) {
        if (i >= tries) throw e;
      }
    }
    say("board    " + board.board + ", Espruino " + board.version + " on " + port.label);
    if (board.board !== "ESP32") say("warning  this firmware is made for the ESP32; " + board.board + " may lack what it needs");

    say("writing  " + names(plan) + " with the espruino CLI...");
    const { check } = await upload(port, plan, {
      staging,
      baud: args.baud,
      timeoutS: args.timeoutS,
      onBoardLine: args.verbose ? (l) => say("  board> " + redact(l, plan.secrets)) : undefined,
    });
    const mismatch = compareCheck(plan.files, check);
    if (mismatch) {
      throw new FlashError(
        "verification failed: " + mismatch,
        check.ok
          ? "the board and flash.sh disagree about what was sent; run flash.sh again"
          : "the upload was damaged on the way. The board's program was erased, so it starts a bare Espruino console; run flash.sh again",
      );
    }
    say("verified size and CRC32 of " + names(plan) + " on the board");
    say("restarted the board with load(): bttn " + plan.device.id + " is starting (" + ((Date.now() - started) / 1000).toFixed(1) + " s)");
    return 0;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    cleanup();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write("flash.sh: " + e.message + "\n");
      process.exit(2);
    }
    if (e instanceof FlashError) {
      process.stderr.write("flash.sh: error: " + e.message + "\n" + (e.hint ? "  " + e.hint + "\n" : ""));
      process.exit(1);
    }
    process.stderr.write("flash.sh: unexpected failure: " + (e instanceof Error ? e.stack : String(e)) + "\n");
    process.exit(1);
  },
);
