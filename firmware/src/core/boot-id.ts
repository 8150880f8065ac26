// The `boot` half of a press's identity (id, boot, seq). It must never repeat on one device, or the
// relay would take a new press for a replay of an old one and drop it. Math.random alone is not
// enough: on the ESP32 Espruino seeds its generator from rand(), which starts the same way at every
// power-up. So a counter kept in Storage is mixed in; it changes at every boot by construction.
import { Storage } from "../bindings";

const COUNTER_FILE = "bttn.n";

function hex8(n: number): string {
  return ("0000000" + (n >>> 0).toString(16)).slice(-8);
}

export function newBootId(storage: Storage, rnd: number, now: number): string {
  const n = (parseInt(storage.read(COUNTER_FILE) || "0", 10) || 0) + 1;
  storage.write(COUNTER_FILE, "" + n);
  // Low half: random and clock. High half: the counter spread by an odd multiplier (a bijection
  // mod 65536) XOR the low half. Two boots with equal low halves then differ in the high half
  // whenever their counters differ (mod 65536), so the id never repeats yet still looks random.
  const low = ((rnd * 65536) ^ now) & 0xffff;
  return hex8(((((n * 40503) ^ low) & 0xffff) << 16) | low);
}
