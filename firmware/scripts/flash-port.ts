// Where the board is: a serial device or a telnet console over Wi-Fi. Serial ports are checked
// here, before the espruino CLI opens them, because the CLI reports a missing, busy or forbidden
// port as a generic "Unable to connect!" (and still exits 0).
import { accessSync, constants, existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { FlashError } from "./flash-error";

export type Port =
  | { kind: "serial"; path: string; label: string }
  | { kind: "tcp"; host: string; port: number; url: string; label: string };

/** Espruino's telnet console on the ESP32 listens on the telnet port. */
export const TELNET_PORT = 23;

export function parsePort(spec: string): Port {
  if (!spec.startsWith("tcp://")) return { kind: "serial", path: spec, label: spec };
  const rest = spec.slice("tcp://".length).replace(/\/+$/, "");
  const m = /^([^:/]+)(?::(\d+))?$/.exec(rest);
  if (!m) {
    throw new FlashError(
      "bad port " + JSON.stringify(spec) + ": expected tcp://HOST or tcp://HOST:PORT" +
        (rest.includes("[") || rest.split(":").length > 2 ? " (the espruino CLI cannot take IPv6 addresses; use the IPv4 address or the name)" : ""),
    );
  }
  const port = m[2] === undefined ? TELNET_PORT : Number(m[2]);
  if (!(port >= 1 && port <= 65535)) throw new FlashError("bad port " + JSON.stringify(spec) + ": the TCP port must be 1-65535");
  const url = "tcp://" + m[1] + ":" + port;
  return { kind: "tcp", host: m[1], port, url, label: url };
}

/** Serial devices that look like a USB-serial board, to suggest when the named one is missing. */
export function serialCandidates(): string[] {
  const found: string[] = [];
  try {
    for (const n of readdirSync("/dev").sort()) {
      if (/^tty(USB|ACM)\d+$/.test(n) || /^cu\.(usbserial|SLAB_USBtoUART|wchusbserial|usbmodem)/.test(n)) found.push("/dev/" + n);
    }
  } catch {
    // no /dev to look at: nothing to suggest
  }
  return found;
}

/** Other processes that hold `device` open, from /proc (Linux); empty where /proc is not readable. */
export function holdersOf(device: string): string[] {
  let target: string;
  try {
    target = realpathSync(device);
  } catch {
    return [];
  }
  const holders: string[] = [];
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  } catch {
    return [];
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(join("/proc", pid, "fd"));
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(join("/proc", pid, "fd", fd));
      } catch {
        continue;
      }
      if (link === target) {
        let name = "?";
        try {
          name = readFileSync(join("/proc", pid, "comm"), "utf8").trim();
        } catch {
          // the process ended meanwhile; its pid still says enough
        }
        holders.push(name + " (pid " + pid + ")");
        break;
      }
    }
  }
  return holders;
}

/** Throws a FlashError that says what is wrong with a serial port, if anything is. */
export function checkSerialPort(path: string): void {
  if (!existsSync(path)) {
    const c = serialCandidates();
    throw new FlashError(
      "no such port: " + path,
      c.length ? "serial ports here: " + c.join(", ") : "no USB serial port found: is the board plugged in, with a data (not charge-only) cable?",
    );
  }
  if (!statSync(path).isCharacterDevice()) throw new FlashError("not a serial port: " + path + " is not a character device");
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch {
    throw new FlashError(
      "permission denied on " + path,
      "add yourself to the group that owns it (usually: sudo usermod -aG dialout $USER), then log in again",
    );
  }
  const holders = holdersOf(path);
  if (holders.length) {
    throw new FlashError("port busy: " + path + " is open in " + holders.join(", "), "close that program (a serial monitor?) and run flash.sh again");
  }
}
