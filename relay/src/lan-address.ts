// The address devices and webhook servers on the LAN most likely reach this machine at.
import { networkInterfaces } from "node:os";

/** The first non-internal IPv4 address, or loopback when there is none. */
export function guessLanAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}
