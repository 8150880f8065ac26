// Where the running relay serves devices, written into the data directory at each start, so that
// the CLI (another process, without the relay's settings) names the right address and port in the
// device files it makes (`bttn add`, `bttn device-file`). The relay never reads it.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DeviceAddress } from "./bus";

export const DEVICE_ADDRESS_FILE = "device-address.json";

export interface RecordedDeviceAddress {
  /** The host devices connect to; absent when the relay listens on all addresses (then: its LAN address). */
  host?: string;
  port: number;
  broker: "embedded" | "external";
  /** When the relay that wrote it started (ISO). */
  startedAt: string;
}

/** Written whole or not at all (a temporary file renamed over it): a reader never sees half. */
export function writeDeviceAddress(dataDir: string, a: DeviceAddress, broker: "embedded" | "external", startedAt: number): void {
  const rec: RecordedDeviceAddress = { host: a.host, port: a.port, broker, startedAt: new Date(startedAt).toISOString() };
  const file = join(dataDir, DEVICE_ADDRESS_FILE);
  writeFileSync(file + ".tmp", JSON.stringify(rec, null, 2) + "\n", { mode: 0o600 });
  renameSync(file + ".tmp", file);
}

/** The address the last relay started on this data directory recorded; undefined when none did (or it is unreadable). */
export function readDeviceAddress(dataDir: string): RecordedDeviceAddress | undefined {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(join(dataDir, DEVICE_ADDRESS_FILE), "utf8"));
  } catch {
    return undefined;
  }
  const r = v as Partial<RecordedDeviceAddress>;
  if (typeof r !== "object" || r === null || !Number.isInteger(r.port) || r.port! < 1 || r.port! > 65535) return undefined;
  if (r.host !== undefined && (typeof r.host !== "string" || !r.host)) return undefined;
  return { host: r.host, port: r.port!, broker: r.broker === "external" ? "external" : "embedded", startedAt: String(r.startedAt ?? "") };
}
