// The per-device settings file `bttn.json`: written into the board's Storage by flash.sh, read by
// the firmware at boot and by the simulator, printed ready-made by `bttn-relay bttn add <id>`.
// One build of the firmware serves every device because everything device-specific lives here.
import { checkBttnId } from "./topics";
import { intIn, isPlainObject, numberIn, oneOf, unknownKeys } from "./check";

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

const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const HOST = /^[A-Za-z0-9.:_-]+$/;

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
  const extra = unknownKeys(x, ["id", "secret", "relay", "prefix", "wifi", "pins", "led", "power", "heartbeatS", "battery"]);
  if (extra.length) return extra[0] + ": unknown field";
  let e = checkBttnId(x.id);
  if (e) return "id: " + e;
  if ((e = checkString(x, "secret", "", true, 128))) return e;
  if (!isPlainObject(x.relay)) return "relay: must be an object with host and port";
  if ((e = checkString(x.relay, "host", "relay.", true, 253))) return e;
  if (!HOST.test(x.relay.host as string)) return "relay.host: must be a host name or IP address";
  if ((e = intIn(x.relay.port, 1, 65535))) return "relay.port: " + e;
  if (x.prefix !== undefined && (typeof x.prefix !== "string" || !/^[A-Za-z0-9_-]+$/.test(x.prefix))) {
    return "prefix: may contain only letters, digits, '-' and '_'";
  }
  if (x.wifi !== undefined) {
    const w = x.wifi;
    if (!isPlainObject(w)) return "wifi: must be an object";
    const wx = unknownKeys(w, ["ssid", "password", "ip", "gateway", "netmask", "dns"]);
    if (wx.length) return "wifi." + wx[0] + ": unknown field";
    if ((e = checkString(w, "ssid", "wifi.", true, 32))) return e;
    if ((e = checkString(w, "password", "wifi.", false, 64))) return e;
    const ipKeys = ["ip", "gateway", "netmask", "dns"];
    for (let i = 0; i < ipKeys.length; i++) {
      const v = w[ipKeys[i]];
      if (v !== undefined && (typeof v !== "string" || !IPV4.test(v))) return "wifi." + ipKeys[i] + ": must be an IPv4 address";
    }
  }
  if (x.pins !== undefined) {
    if (!isPlainObject(x.pins)) return "pins: must be an object";
    const px = unknownKeys(x.pins, ["button", "red", "green", "blue"]);
    if (px.length) return "pins." + px[0] + ": unknown field";
    const names = ["button", "red", "green", "blue"];
    for (let i = 0; i < names.length; i++) {
      if ((e = checkPin(x.pins, names[i], "pins."))) return e;
    }
  }
  if (x.led !== undefined && (e = oneOf(x.led, ["common-cathode", "common-anode"]))) return "led: " + e;
  if (x.power !== undefined && (e = oneOf(x.power, ["awake", "sleep"]))) return "power: " + e;
  if (x.heartbeatS !== undefined && (e = intIn(x.heartbeatS, 0, 604800))) return "heartbeatS: " + e;
  if (x.battery !== undefined) {
    const b = x.battery;
    if (!isPlainObject(b)) return "battery: must be an object with pin and divider";
    if ((e = intIn(b.pin, 32, 39))) return "battery.pin: " + e + " (ADC1 pins only)";
    if ((e = numberIn(b.divider, 1, 100))) return "battery.divider: " + e;
  }
  return "";
}
