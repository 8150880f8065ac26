// Boot: read bttn.json from Storage, check it with the protocol package, start the bttn. A missing
// or broken file is said on the console and on the LED (slow red), never silently ignored.
// A file without Wi-Fi settings, or the button down at power-on, hands over to setup mode
// (core/setup.ts, its own Storage file: only the decision and the load are here).
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

/** The app, or undefined in setup mode or with a bad file. */
export function start(b: Bindings, o: AppOptions): App | undefined {
  const out: { file?: DeviceFile } = {};
  const err = readDeviceFile(b.storage.read(DEVICE_FILE_NAME), out);
  const f = out.file;
  if (f) {
    // Setup mode: no Wi-Fi settings, or the button down at power-on (setup mode itself times the
    // 10 s hold and comes back here when it is let go sooner). A wake from deep sleep by the button
    // is a press, however long it is held.
    if ((!f.wifi || (!b.wake() && b.isDown(pinsOf(f).button))) && b.setup()) return undefined;
    if (!f.wifi) b.log("no setup mode: run flash.sh");
    return startApp(b, f, o);
  }
  b.log(DEVICE_FILE_NAME + ": " + err);
  // The file's pins cannot be trusted when the file is broken: the LED goes on the default pins.
  const p = pinsOf({} as DeviceFile);
  createLed(b, [p.red, p.green, p.blue], false).show("denied");
  return undefined;
}
