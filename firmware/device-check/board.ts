// Leaves the interpreter the way flash.sh leaves a board: bttn.json and the bundle as .bootcde in
// Storage, then flash.sh's own read-back line (size and CRC32 of each file, then load()). One file
// more than on a real board: the preamble as .boot0, which Espruino runs before .bootcde at every
// load(), standing in for the ESP32's hardware.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEVICE_FILE_NAME, DeviceFile } from "@bttn/shared";
import { BOOT_FILE, crc32, makeCheckLine, parseCheck, StoredFile } from "../scripts/flash-plan";
import { Interpreter } from "./interpreter";

export const PREAMBLE = join(import.meta.dirname, "preamble.js");
export const PREAMBLE_FILE = ".boot0";

/** Bytes per Storage write: base64 of this stays well under a console line's comfortable size. */
const CHUNK = 576;

/** Writes one Storage file in chunks, each confirmed before the next is sent. */
export async function writeFile(it: Interpreter, name: string, bytes: Buffer): Promise<void> {
  // Storage cannot hold an empty file; nothing of ours is one.
  if (!bytes.length) throw new Error("refusing to write an empty " + name);
  for (let off = 0; off < bytes.length; off += CHUNK) {
    const b64 = bytes.subarray(off, off + CHUNK).toString("base64");
    // The first write gives the whole size; the later ones fill it in at their offset.
    const args = JSON.stringify(name) + ',atob("' + b64 + '"),' + off + (off === 0 ? "," + bytes.length : "");
    const ok = await it.ask('require("Storage").write(' + args + ")", 10000);
    if (ok !== "true") throw new Error("Storage.write of " + name + " at " + off + " said " + ok);
  }
}

function stored(name: string, bytes: Buffer): StoredFile {
  return { name, bytes, crc: crc32(bytes) };
}

/** Writes the device file (and with `bundle`, the firmware), read back and load()ed as flash.sh does. */
export async function flash(it: Interpreter, device: DeviceFile, bundle?: Buffer): Promise<void> {
  const files = [stored(DEVICE_FILE_NAME, Buffer.from(JSON.stringify(device)))];
  if (bundle) files.push(stored(BOOT_FILE, bundle));
  for (const f of files) await writeFile(it, f.name, f.bytes);
  const verdict = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no read-back line from the interpreter")), 10000);
    it.onLine((l) => {
      if (l.kind !== "log") return;
      const c = parseCheck(l.text);
      if (!c) return;
      clearTimeout(timer);
      resolve(c.ok ? "" : "read-back mismatch: " + c.found.join(" "));
    });
  });
  it.run(makeCheckLine(files));
  const problem = await verdict;
  if (problem) throw new Error(problem);
}

/** An erased board with the preamble in place (and loaded, so that the hardware is there). */
export async function prepare(it: Interpreter): Promise<void> {
  await it.ask('(require("Storage").eraseAll(),1)');
  await writeFile(it, PREAMBLE_FILE, readFileSync(PREAMBLE));
}
