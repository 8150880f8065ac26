// Presses not yet accepted by the broker (no PUBACK). Kept in Storage so they survive a reboot, a
// crash or deep sleep, bounded so a button left offline for a week cannot fill the flash: when full,
// the oldest press goes and is counted. Each entry keeps its identity (boot, seq), so a replay after
// reboot is still the same press to the relay.
import { Storage } from "../bindings";
import { EventType } from "@bttn/shared";

export interface Queued {
  /** boot */
  b: string;
  /** seq */
  s: number;
  /** type */
  y: EventType;
  /** press time on the device clock */
  t: number;
}

export interface Queue {
  items: Queued[];
  /** Presses dropped because the queue was full (kept across reboots). */
  dropped: number;
  add(e: Queued): void;
  remove(e: Queued): void;
}

const FILE = "bttn.q";

/** Loads the queue from Storage; `now` is the device clock (see Bindings.now). */
export function loadQueue(storage: Storage, max: number, now: () => number): Queue {
  let items: Queued[] = [];
  let dropped = 0;
  try {
    const o = JSON.parse(storage.read(FILE) || "{}");
    if (o.q instanceof Array) items = o.q;
    dropped = o.d | 0;
    // A clock that went backwards (power loss without an RTC) would make ages negative: keep the
    // ages the presses had when they were saved instead.
    const t = now();
    if (o.at > t) for (let i = 0; i < items.length; i++) items[i].t += t - o.at;
  } catch (e) {
    // A damaged file is no reason not to boot; the presses in it are lost.
  }

  function save(): void {
    if (items.length || q.dropped) storage.write(FILE, JSON.stringify({ at: now(), d: q.dropped, q: items }));
    else storage.erase(FILE);
  }

  const q: Queue = {
    items: items,
    dropped: dropped,
    add(e) {
      items.push(e);
      while (items.length > max) {
        items.shift();
        q.dropped++;
      }
      save();
    },
    remove(e) {
      const i = items.indexOf(e);
      if (i < 0) return;
      items.splice(i, 1);
      save();
    },
  };
  return q;
}
