// The per-device settings file `bttn.json`: written into the board's Storage by flash.sh, read by
// the firmware at boot and by the simulator, printed ready-made by `bttn-relay bttn add <id>`.
// One build of the firmware serves every device because everything device-specific lives here.
import { checkBttnId, ID_CHARS, ID_RULE } from "./topics";
import { intIn, isPlainObject, numberIn, oneOf, onlyChars, unknownKey } from "./check";
import type { Decoded } from "./messages";

export interface DeviceFile {
  id: string;
  secret: string;
  relay: { host: string; port: number };
  /** Topic prefix; default "bttn". */
  prefix?: string;
  /** Ignored by the simulator. Static IP settings make the connect faster. */
  wifi?: { ssid: string; password?: string; ip?: string; gateway?: string; netmask?: string; dns?: string };
  pins?: { button?: number; red?: number; green?: number; blue?: number };
  /** How the RGB LED is wired: common cathode (pin high = on) or common anode (inverted). */
  led?: "common-cathode" | "common-anode";
  /** `awake` on USB power (default); `sleep` deep-sleeps between presses on battery. */
  power?: "awake" | "sleep";
  /** Heartbeat period in seconds; 0 = none. */
  heartbeatS?: number;
  /** Battery measurement: ADC1 pin (32-39) and the voltage divider's ratio (V_bat / V_pin). */
  battery?: { pin: number; divider: number };
}

export const DEVICE_FILE_NAME = "bttn.json";

/** Host names and IPv4/IPv6 addresses: letters, digits, ".", ":", "-", "_". */
const HOST_CHARS = "AZaz09..::--__";

/** "" when `o[k]` is an object with no keys but `known` (space-separated), else what is wrong. */
function checkSection(o: Record<string, unknown>, k: string, known: string): string {
  const v = o[k];
  return isPlainObject(v) ? unknownKey(v, known, k + ".") : k + ": must be an object";
}

function checkString(o: Record<string, unknown>, k: string, path: string, required: boolean, max: number): string {
  const v = o[k];
  if (v === undefined && !required) return "";
  if (typeof v !== "string" || v.length === 0) return path + k + ": must be a non-empty string";
  if (v.length > max) return path + k + ": must be at most " + max + " characters";
  return "";
}

function checkPin(o: Record<string, unknown>, k: string, path: string): string {
  if (o[k] === undefined) return "";
  const e = intIn(o[k], 0, 39);
  return e ? path + k + ": " + e + " (a GPIO number)" : "";
}

/** Why `x` is not a valid device file ("path: problem"), or "" when it is. */
export function checkDeviceFile(x: unknown): string {
  if (!isPlainObject(x)) return "must be a JSON object";
  let e = unknownKey(x, "id secret relay prefix wifi pins led power heartbeatS battery", "");
  if (e) return e;
  if ((e = checkBttnId(x.id))) return "id: " + e;
  if ((e = checkString(x, "secret", "", true, 128))) return e;
  if ((e = checkSection(x, "relay", "host port"))) return e;
  const relay = x.relay as Record<string, unknown>;
  if ((e = checkString(relay, "host", "relay.", true, 253))) return e;
  if (!onlyChars(relay.host as string, HOST_CHARS)) return "relay.host: must be a host name or IP address";
  if ((e = intIn(relay.port, 1, 65535))) return "relay.port: " + e;
  if (x.prefix !== undefined && (typeof x.prefix !== "string" || !onlyChars(x.prefix, ID_CHARS))) {
    return "prefix: " + ID_RULE;
  }
  if (x.wifi !== undefined) {
    if ((e = checkSection(x, "wifi", "ssid password ip gateway netmask dns"))) return e;
    const w = x.wifi as Record<string, unknown>;
    if ((e = checkString(w, "ssid", "wifi.", true, 32))) return e;
    if ((e = checkString(w, "password", "wifi.", false, 64))) return e;
    const ipKeys = "ip gateway netmask dns".split(" ");
    for (let i = 0; i < ipKeys.length; i++) {
      const v = w[ipKeys[i]];
      if (v !== undefined && (typeof v !== "string" || v.split(".").length !== 4 || !onlyChars(v, "09.."))) return "wifi." + ipKeys[i] + ": must be an IPv4 address";
    }
    // A static address needs all three: the ESP32's setIP throws without the gateway or the netmask.
    if ((w.ip !== undefined || w.gateway !== undefined || w.netmask !== undefined) && (w.ip === undefined || w.gateway === undefined || w.netmask === undefined)) {
      return "wifi: ip, gateway and netmask go together";
    }
  }
  if (x.pins !== undefined) {
    const names = "button red green blue";
    if ((e = checkSection(x, "pins", names))) return e;
    const pins = names.split(" ");
    for (let i = 0; i < pins.length; i++) {
      if ((e = checkPin(x.pins as Record<string, unknown>, pins[i], "pins."))) return e;
    }
  }
  if (x.led !== undefined && (e = oneOf(x.led, ["common-cathode", "common-anode"]))) return "led: " + e;
  if (x.power !== undefined && (e = oneOf(x.power, ["awake", "sleep"]))) return "power: " + e;
  if (x.heartbeatS !== undefined && (e = intIn(x.heartbeatS, 0, 604800))) return "heartbeatS: " + e;
  if (x.battery !== undefined) {
    if ((e = checkSection(x, "battery", "pin divider"))) return e;
    const b = x.battery as Record<string, unknown>;
    if ((e = intIn(b.pin, 32, 39))) return "battery.pin: " + e + " (ADC1 pins only)";
    if ((e = numberIn(b.divider, 1, 100))) return "battery.divider: " + e;
  }
  return "";
}

/** What the relay knows when it makes a device file: where devices reach it, and the Wi-Fi to join. */
export interface DeviceFileOptions {
  relayHost: string;
  mqttPort: number;
  wifiSsid?: string;
  wifiPassword?: string;
}

/**
 * A new device file (`bttn-relay bttn add`, `POST /bttns`), checked: it holds the only copy of the
 * secret, so one that flash.sh would refuse must not be made. The relay's alone: the firmware
 * never imports it, and the bundle leaves it out.
 */
export function makeDeviceFile(id: string, secret: string, o: DeviceFileOptions): Decoded<DeviceFile> {
  const file: DeviceFile = { id: id, secret: secret, relay: { host: o.relayHost, port: o.mqttPort } };
  if (o.wifiSsid) file.wifi = o.wifiPassword ? { ssid: o.wifiSsid, password: o.wifiPassword } : { ssid: o.wifiSsid };
  const bad = checkDeviceFile(file);
  return bad ? { ok: false, error: "device file: " + bad } : { ok: true, value: file };
}

/**
 * Whether devices told to connect to `host` would connect to themselves: a loopback name or
 * address (localhost, 127.x.x.x, ::1) or an unspecified one (0.0.0.0, ::). Such a device file works
 * for the simulator on the relay's own machine and never on a board. Relay-side, like
 * makeDeviceFile: the firmware never imports it.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost" || h === "0.0.0.0" || h === "::" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  if (h.length > 10 && h.slice(h.length - 10) === ".localhost") return true;
  const parts = h.split(".");
  return parts.length === 4 && parts[0] === "127" && onlyChars(h, "09..");
}

/** The warning for a device file whose relay address no board can reach ("" when it is fine). */
export function loopbackWarning(file: Pick<DeviceFile, "relay">): string {
  if (!isLoopbackHost(file.relay.host)) return "";
  return "relay.host " + file.relay.host + " is a loopback address: a real bttn would look for the relay on itself and never reach it (it suits only the simulator on this machine)";
}
