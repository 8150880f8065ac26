// Boot: read bttn.json from Storage, check it with the protocol package, start the bttn. A missing
// or broken file is said on the console and on the LED (slow red), never silently ignored.
import { checkDeviceFile, DEVICE_FILE_NAME, DeviceFile } from "@bttn/shared";
import { Bindings } from "../bindings";
import { App, AppOptions, startApp } from "./app";
import { createLed } from "./led";
import { pinsOf } from "./settings";

/** Why the text is not a usable device file, or "" with the parsed file in `out.file`. */
export function readDeviceFile(text: string | undefined, out: { file?: DeviceFile }): string {
  if (!text) return "missing: write it with flash.sh";
  let f: unknown;
  try {
    f = JSON.parse(text);
  } catch (e) {
    return "not valid JSON";
  }
  const err = checkDeviceFile(f);
  if (!err) out.file = f as DeviceFile;
  return err;
}

export function start(b: Bindings, o: AppOptions): App | undefined {
  const out: { file?: DeviceFile } = {};
  const err = readDeviceFile(b.storage.read(DEVICE_FILE_NAME), out);
  if (out.file) return startApp(b, out.file, o);
  b.log(DEVICE_FILE_NAME + ": " + err);
  // The file's pins cannot be trusted when the file is broken: the LED goes on the default pins.
  const p = pinsOf({} as DeviceFile);
  createLed(b, [p.red, p.green, p.blue], false).show("denied");
  return undefined;
}
