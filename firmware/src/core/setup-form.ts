// The setup page's form: reading what a browser POSTs (application/x-www-form-urlencoded) and
// turning it into a new bttn.json. Hand-written loops over charCodeAt, no RegExp: Espruino's RegExp
// engine differs from Node's, and its decodeURIComponent throws on every %XX at or above %80, so a
// Wi-Fi name with an accent could not be decoded by it at all.
//
// Values stay byte strings (one character per byte), as everywhere on the device: a browser sends
// UTF-8, and those bytes are what the access point's name and password are made of. bttn.json
// written by flash.sh reads back the same way, so both ways of setting Wi-Fi agree.
import { checkDeviceFile, DeviceFile } from "@bttn/shared";

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Decodes one form value: '+' is a space, %XX a byte. Undefined when a '%' is not followed by two hex digits. */
export function formDecode(s: string): string | undefined {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 43) out += " ";
    else if (c === 37) {
      const hi = hexDigit(s.charCodeAt(i + 1));
      const lo = hexDigit(s.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return undefined;
      out += String.fromCharCode(hi * 16 + lo);
      i += 2;
    } else out += s.charAt(i);
  }
  return out;
}

/** The first value of field `name` in a form body: "" when absent, undefined when badly encoded. */
export function formField(body: string, name: string): string | undefined {
  let at = 0;
  while (at <= body.length) {
    let end = body.indexOf("&", at);
    if (end < 0) end = body.length;
    const eq = body.indexOf("=", at);
    const keyEnd = eq >= 0 && eq < end ? eq : end;
    if (formDecode(body.slice(at, keyEnd)) === name) return keyEnd < end ? formDecode(body.slice(keyEnd + 1, end)) : "";
    at = end + 1;
  }
  return "";
}

/** Words a person reads on the page for the fields the check names. */
const LABELS: { [path: string]: string } = {
  "wifi.ssid": "Wi-Fi name",
  "wifi.password": "Wi-Fi password",
  "relay.host": "Relay address",
  "relay.port": "Relay port",
};

/** The first problem's field in the page's words ("Wi-Fi name: must be ..."). */
function say(problem: string): string {
  const colon = problem.indexOf(":");
  const label = colon > 0 ? LABELS[problem.slice(0, colon)] : undefined;
  return label ? label + problem.slice(colon) : problem;
}

/**
 * The device file with the form's Wi-Fi (and, when given, relay) settings, or why not. The id,
 * secret and everything else are kept. Static IP settings stay only for the same Wi-Fi name: a
 * different network gets its address by DHCP.
 */
export function applyForm(file: DeviceFile, body: string, out: { file?: DeviceFile }): string {
  const ssid = formField(body, "ssid");
  const password = formField(body, "password");
  const host = formField(body, "host");
  const port = formField(body, "port");
  if (ssid === undefined || password === undefined || host === undefined || port === undefined) return "the form arrived badly encoded; try again";
  if (!ssid) return "Wi-Fi name: required";
  const next = JSON.parse(JSON.stringify(file)) as DeviceFile;
  const old = file.wifi;
  const w: NonNullable<DeviceFile["wifi"]> = old && old.ssid === ssid ? next.wifi! : { ssid: ssid };
  if (password) w.password = password;
  else delete w.password;
  next.wifi = w;
  if (host) next.relay.host = host;
  if (port) next.relay.port = Number(port);
  const err = checkDeviceFile(next);
  if (err) return say(err);
  out.file = next;
  return "";
}

/** Text made safe inside HTML, in an attribute's quotes as well. */
export function escapeHtml(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    out += c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : c;
  }
  return out;
}

function page(title: string, body: string): string {
  return (
    "<!DOCTYPE html><html><head><meta charset=utf-8><meta name=viewport content=\"width=device-width\"><title>" +
    title +
    "</title><style>body{font:18px sans-serif;margin:1em auto;max-width:24em;padding:0 1em}input,button{font:inherit;width:100%}p.e{color:#b00}</style></head><body><h1>" +
    title +
    "</h1>" +
    body +
    "</body></html>"
  );
}

/**
 * The form, filled with what the file holds now except the password (never sent back out), with
 * `problem` above it when the last attempt was refused.
 */
export function formPage(file: DeviceFile, problem: string): string {
  const w = file.wifi;
  const field = (label: string, attrs: string): string => "<p><label>" + label + "<br><input " + attrs + "></label></p>";
  return page(
    "bttn " + escapeHtml(file.id),
    (problem ? "<p class=e>" + escapeHtml(problem) + ". Nothing was saved.</p>" : "") +
      "<form method=post action=/>" +
      field("Wi-Fi name", 'name=ssid required maxlength=32 value="' + escapeHtml(w ? w.ssid : "") + '"') +
      field("Wi-Fi password (empty for an open network)", "name=password type=password maxlength=64") +
      field("Relay address (optional)", 'name=host value="' + escapeHtml(file.relay.host) + '"') +
      field("Relay port (optional)", 'name=port inputmode=numeric value="' + file.relay.port + '"') +
      "<p><button>Save and restart</button></p></form>",
  );
}

export function savedPage(file: DeviceFile): string {
  return page("bttn " + escapeHtml(file.id), "<p>Saved. The bttn restarts now and joins " + escapeHtml(file.wifi!.ssid) + "; this access point goes away.</p>");
}
