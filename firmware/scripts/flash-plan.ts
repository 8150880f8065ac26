// What flash.sh puts on a board: the device file and the firmware bundle as Storage files, and the
// one line of JS that the board runs afterwards to read both back, compare size and CRC32 with what
// we sent, and restart into the new firmware only when both match.
import { readFileSync } from "node:fs";
import { checkDeviceFile, DEVICE_FILE_NAME, DeviceFile } from "@bttn/shared";
import { SETUP_FILE } from "../src/espruino/bindings";
import { FlashError } from "./flash-error";

export { SETUP_FILE };

export interface StoredFile {
  /** Name in the board's Storage. */
  name: string;
  bytes: Buffer;
  crc: number;
}

export interface FlashPlan {
  device: DeviceFile;
  configPath: string;
  /** The device file first, then the code that runs at boot, then setup mode's code when sent. */
  files: StoredFile[];
  /** The line the board runs after the writes: read back, compare, then load() or erase. */
  checkLine: string;
  /** Strings never to show: the device secret and the Wi-Fi password. */
  secrets: string[];
}

/** Espruino runs `.bootcde` at boot (after .boot0-3). */
export const BOOT_FILE = ".bootcde";

/** The board prints this before its read-back; built at run time there, so an echo cannot fake it. */
export const CHECK_MARKER = "BTTN-CHECK";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The standard CRC-32 that Espruino's E.CRC32 computes, as an unsigned number. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function describe(f: { length: number; crc: number }): string {
  return f.length + " bytes, CRC32 0x" + f.crc.toString(16).padStart(8, "0");
}

/** Line and column of a character offset, to point into a file without quoting it. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return "line " + before.length + ", column " + (before[before.length - 1].length + 1);
}

/** Reads and validates a device file. Never echoes its text: it holds a secret. */
export function readDeviceFile(path: string): { bytes: Buffer; device: DeviceFile } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FlashError("cannot read config " + path + (code === "ENOENT" ? ": no such file" : ": " + code));
  }
  // Editors on Windows may start the file with a byte-order mark, which no JSON parser (Espruino's
  // included) accepts: it is not part of the device file.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  const text = bytes.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // JSON.parse quotes the text around the error, which may be the secret: give only the place.
    const at = /position (\d+)/.exec(String((e as Error).message));
    throw new FlashError("invalid config " + path + ": not valid JSON" + (at ? " (" + lineAndColumn(text, Number(at[1])) + ")" : ""));
  }
  const problem = checkDeviceFile(value);
  if (problem) throw new FlashError("invalid config " + path + ": " + problem);
  return { bytes, device: value as DeviceFile };
}

/** How the board reports one file: length, CRC high half, CRC low half. */
function readBack(length: number, crc: number): string {
  return length + "/" + (crc >>> 16) + "/" + (crc & 0xffff);
}

export function makeCheckLine(files: StoredFile[]): string {
  const names = JSON.stringify(files.map((f) => f.name));
  const want = JSON.stringify(files.map((f) => readBack(f.bytes.length, f.crc)));
  // Espruino dialect: var only, no destructuring; one line, so the console runs it as one command.
  // The CRC travels as two 16-bit halves: E.CRC32 is signed on some builds and a float above 2^31
  // on others, and small integers print the same everywhere.
  return (
    '(function(){var S=require("Storage"),f=' + names + ",w=" + want + ",r=[],ok=1,i,d,c;" +
    'for(i=0;i<f.length;i++){d=S.read(f[i]);if(d===undefined)r.push("none");else{c=E.CRC32(d);r.push(d.length+"/"+(c>>>16)+"/"+(c&65535))}if(r[i]!=w[i])ok=0}' +
    'print("' + CHECK_MARKER.slice(0, 4) + '"+"' + CHECK_MARKER.slice(4) + '",r.join(" "),ok?"ok":"bad");' +
    // A damaged program must not run at the next boot: without it the board starts a bare console.
    "if(ok)load();else S.erase(" + JSON.stringify(BOOT_FILE) + ")})()"
  );
}

function readBundle(what: string, path: string): Buffer {
  let bundle: Buffer;
  try {
    bundle = readFileSync(path);
  } catch (e) {
    throw new FlashError("cannot read " + what + " " + path + ": " + ((e as NodeJS.ErrnoException).code ?? String(e)));
  }
  if (bundle.length === 0) throw new FlashError(what + " " + path + " is empty");
  return bundle;
}

/** `setupPath`: setup mode's bundle, written as bttn-setup.js (without it the board has no setup mode). */
export function makePlan(config: { path: string; bytes: Buffer; device: DeviceFile }, bundlePath: string, setupPath?: string): FlashPlan {
  const bundle = readBundle("firmware bundle", bundlePath);
  const files: StoredFile[] = [
    { name: DEVICE_FILE_NAME, bytes: config.bytes, crc: crc32(config.bytes) },
    { name: BOOT_FILE, bytes: bundle, crc: crc32(bundle) },
  ];
  if (setupPath) {
    const setup = readBundle("setup mode bundle", setupPath);
    files.push({ name: SETUP_FILE, bytes: setup, crc: crc32(setup) });
  }
  const secrets = [config.device.secret];
  if (config.device.wifi?.password) secrets.push(config.device.wifi.password);
  return { device: config.device, configPath: config.path, files, checkLine: makeCheckLine(files), secrets };
}

export interface CheckResult {
  /** What the board reported per file: "length/crcHigh/crcLow" or "none". */
  found: string[];
  /** The board's own verdict. */
  ok: boolean;
}

/** Parses the board's read-back line, wherever it sits in a line of console output. */
export function parseCheck(line: string): CheckResult | undefined {
  const at = line.indexOf(CHECK_MARKER + " ");
  if (at < 0) return undefined;
  const parts = line.slice(at + CHECK_MARKER.length + 1).trim().split(/\s+/);
  const verdict = parts.pop();
  if (verdict !== "ok" && verdict !== "bad") return undefined;
  return { found: parts, ok: verdict === "ok" };
}

/** Our own comparison of the read-back with what was sent: the first mismatch, or "". */
export function compareCheck(files: StoredFile[], check: CheckResult): string {
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const got = check.found[i];
    const want = describe({ length: f.bytes.length, crc: f.crc });
    if (got === undefined || got === "none") return f.name + " is missing on the board (expected " + want + ")";
    const [len, hi, lo] = got.split("/").map(Number);
    const crc = hi * 0x10000 + lo;
    if (len !== f.bytes.length || crc !== f.crc) {
      return f.name + " on the board has " + describe({ length: len, crc }) + ", expected " + want;
    }
  }
  return check.ok ? "" : "the board reported a mismatch";
}
