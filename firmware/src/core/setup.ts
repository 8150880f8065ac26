// Setup mode: Wi-Fi settings without a computer. The bttn opens an access point `bttn-<id>` and
// serves a page where a person enters the Wi-Fi name and password (and optionally the relay's
// address); a valid form is saved to bttn.json and the bttn restarts into normal mode. The LED shows
// `setup` throughout. This file is its own bundle on the device (bttn-setup.js), loaded only when
// setup mode starts, so normal mode neither stores nor runs any of it.
import { DEVICE_FILE_NAME, DeviceFile } from "@bttn/shared";
import { SetupBindings } from "../bindings";
import { createLed } from "./led";
import { pinsOf } from "./settings";
import { applyForm, formPage, savedPage } from "./setup-form";
import { readDeviceFile } from "./start";

export interface SetupOptions {
  /**
   * Came here because the button was down at power-on: open setup mode only if it stays down this
   * long (ms) in all, else go back to normal mode. Unset: open at once (no Wi-Fi settings).
   */
  hold?: number;
  /** How long after the "saved" page the board restarts (the page must get out first). */
  restartMs?: number;
  /** A bttn that has Wi-Fi settings goes back to normal mode after this long without a save. */
  idleMs?: number;
  onLed?(pattern: string, rgb: number, first: boolean): void;
}

/** The access point's name: `bttn-<id>`, cut to the 32 bytes a Wi-Fi name may have. */
export function apName(id: string): string {
  return ("bttn-" + id).slice(0, 32);
}

export function runSetup(b: SetupBindings, o: SetupOptions): void {
  const out: { file?: DeviceFile } = {};
  const err = readDeviceFile(b.storage.read(DEVICE_FILE_NAME), out);
  const file = out.file;
  const p = pinsOf(file || ({} as DeviceFile));
  const led = createLed(b, [p.red, p.green, p.blue], !!file && file.led === "common-anode", o.onLed);
  if (!file) {
    // No id and secret to keep: setup mode cannot make a working bttn out of nothing.
    b.log(DEVICE_FILE_NAME + ": " + err + "; setup mode needs the file flash.sh writes");
    led.show("denied");
    return;
  }
  const open = (): void => {
    let current = file;
    let saved = false;
    const ssid = apName(file.id);
    led.show("setup");
    b.ap(ssid);
    b.log("setup mode: join the Wi-Fi " + ssid + " and open http://192.168.4.1/");
    // Held into setup mode by mistake: a bttn that could already connect does not stay an open access point.
    const idle = file.wifi ? b.after(o.idleMs || 600000, () => b.restart()) : 0;
    b.serve((method, path, body, reply) => {
      if (method === "GET") return reply(200, formPage(current, ""));
      if (method !== "POST" || path !== "/") return reply(404, "not found");
      if (saved) return reply(200, savedPage(current));
      const next: { file?: DeviceFile } = {};
      const problem = applyForm(current, body, next);
      if (!next.file) {
        b.log("setup: not saved: " + problem);
        return reply(400, formPage(current, problem));
      }
      current = next.file;
      b.storage.write(DEVICE_FILE_NAME, JSON.stringify(current));
      saved = true;
      b.cancel(idle);
      b.log("setup: saved Wi-Fi " + current.wifi!.ssid + ", relay " + current.relay.host + ":" + current.relay.port + "; restarting");
      reply(200, savedPage(current));
      b.after(o.restartMs || 2000, () => b.restart());
    });
  };
  const pin = p.button;
  const until = b.now() + (o.hold || 0);
  // Held at power-on: a bttn that has Wi-Fi settings opens setup mode only after the full hold.
  const held = (): void => {
    if (!b.isDown(pin)) b.normal();
    else if (b.now() >= until) open();
    else b.after(100, held);
  };
  if (o.hold && file.wifi) held();
  else open();
}
