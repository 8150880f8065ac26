// Flashing the Espruino interpreter itself (once per board) with Espressif's esptool. There is no
// Node flasher for the ESP32 (esptool-js needs a browser's Web Serial), so we call esptool when it
// is installed and otherwise say how to get it.
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { FlashError } from "./flash-error";

/** Where each part of Espruino's ESP32 release goes in flash (docs/espruino.md). */
export const ESPRUINO_IMAGES: [offset: string, file: string][] = [
  ["0x1000", "bootloader.bin"],
  ["0x8000", "partitions_espruino.bin"],
  ["0x10000", "espruino_esp32.bin"],
];

/** Fast and reliable with the USB-serial chips on ESP32 boards; esptool's default is 115200. */
const ESPTOOL_BAUD = "460800";

export const ESPTOOL_HINT =
  "esptool is not installed. Install it with 'pip install esptool' (or 'sudo apt install esptool' on " +
  "Debian and Raspberry Pi OS), then run flash.sh again. Espruino's ESP32 release folders come " +
  "from the Espruino download page (the espruino_2vXX_esp32 folder of a release zip).";

/** The three images of a release folder, or a FlashError naming what is missing. */
export function releaseImages(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FlashError("no such folder: " + dir, "--espruino-firmware takes the unpacked ESP32 release folder");
  const missing = ESPRUINO_IMAGES.map(([, f]) => f).filter((f) => !existsSync(join(dir, f)));
  if (missing.length) {
    throw new FlashError("not an Espruino ESP32 release folder: " + dir + " lacks " + missing.join(", "), "use the folder that holds bootloader.bin, partitions_espruino.bin and espruino_esp32.bin");
  }
  return ESPRUINO_IMAGES.map(([, f]) => resolve(dir, f));
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The command that runs esptool here (its name differs by version and packaging), if any. */
export function findEsptool(): string[] | undefined {
  for (const name of ["esptool.py", "esptool"]) {
    const p = onPath(name);
    if (p) return [p];
  }
  const py = onPath("python3");
  if (py && spawnSync(py, ["-c", "import esptool"], { stdio: "ignore" }).status === 0) return [py, "-m", "esptool"];
  return undefined;
}

export function esptoolArgs(port: string, images: string[]): string[] {
  const args = ["--chip", "esp32", "--port", port, "--baud", ESPTOOL_BAUD, "write_flash"];
  ESPRUINO_IMAGES.forEach(([offset], i) => args.push(offset, images[i]));
  return args;
}

export function flashInterpreter(esptool: string[], port: string, images: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(esptool[0], [...esptool.slice(1), ...esptoolArgs(port, images)], { stdio: "inherit" });
    child.on("error", (e) => fail(new FlashError("cannot run esptool: " + e.message, ESPTOOL_HINT)));
    child.on("close", (code) => {
      if (code === 0) done();
      else {
        fail(
          new FlashError(
            "esptool failed (exit " + code + ")",
            "if it could not connect, hold the board's BOOT button while esptool says 'Connecting...'",
          ),
        );
      }
    });
  });
}
