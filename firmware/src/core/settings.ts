// The settings in force: bttn.json (the device's own file) overlaid by what the relay sends on the
// retained config topic, which wins. The relay's last config is kept in Storage, because a press
// that wakes the board from deep sleep is classified before the broker can be asked again.
import { decodeDeviceConfig, DeviceConfig, DeviceFile } from "@bttn/shared";
import { Storage } from "../bindings";

export interface Settings {
  longMs: number;
  double: boolean;
  doubleMs: number;
  debounceMs: number;
  sleep: boolean;
  heartbeatS: number;
}

export interface Pins {
  button: number;
  red: number;
  green: number;
  blue: number;
}

/** GPIO 27 can both be watched and wake the ESP32 from deep sleep; 21-23 are plain outputs. */
export function pinsOf(f: DeviceFile): Pins {
  const p = f.pins || {};
  return { button: p.button ?? 27, red: p.red ?? 21, green: p.green ?? 22, blue: p.blue ?? 23 };
}

/** Fills `into` (the object the button reads at every press) from the file and the relay's config. */
export function applySettings(into: Settings, f: DeviceFile, c: DeviceConfig | undefined): Settings {
  const r: DeviceConfig = c || { v: 1 };
  into.longMs = r.longMs ?? 1500;
  into.double = r.double ?? true;
  into.doubleMs = r.doubleMs ?? 400;
  into.debounceMs = 30;
  into.sleep = r.sleep ?? f.power === "sleep";
  into.heartbeatS = r.heartbeatS ?? f.heartbeatS ?? 0;
  return into;
}

export const RELAY_CONFIG_FILE = "bttn.cfg";

export function loadRelayConfig(s: Storage): DeviceConfig | undefined {
  const text = s.read(RELAY_CONFIG_FILE);
  const d = text ? decodeDeviceConfig(text) : undefined;
  return d && d.ok ? d.value : undefined;
}
