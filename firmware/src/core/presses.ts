// A press from the button to the LED's verdict: queued (Storage), handed to the MQTT client (QoS 1),
// then awaited. The relay answers `pending` (wait ms), then `ok` or `fail`. No answer within the wait
// plus a margin shows `fail` if the broker had accepted the press (PUBACK): QoS 1 already delivered
// it and the relay de-duplicates by (id, boot, seq), so sending it again could only repeat a question
// that was heard. A press the broker never accepted stays queued and shows `queued`; it goes out
// again on the next connection, with DUP, and its answer is awaited again: the relay answers a
// duplicate with the result it already has.
import { Result } from "@bttn/shared";
import { Bindings } from "../bindings";
import { Queue, Queued } from "./queue";

export interface PressTiming {
  /** How long to wait for the relay's first answer to a press. */
  resultMs: number;
  /** Added to the wait a `pending` result announces. */
  marginMs: number;
}

export interface PressPorts {
  /** Publishes the press (QoS 1); `acked` runs at PUBACK. False: the MQTT client is full, try later. */
  send(e: Queued, acked: () => void): boolean;
  /** Whether the link to the broker is up. */
  up(): boolean;
  /** The verdict on one press. */
  verdict(state: "ok" | "fail" | "queued"): void;
  /** Something changed: the LED's state pattern is worked out again. */
  changed(): void;
}

export interface Presses {
  /** A new press: queued, and sent if the link is up. */
  add(e: Queued): void;
  /** The link is up: send every queued press the MQTT client does not hold already. */
  flush(): void;
  /** A result from the relay; answers to presses no longer awaited are ignored. */
  answer(r: Result): void;
  /** Presses waiting for an answer. */
  waiting(): number;
  stop(): void;
}

interface Waiting {
  e: Queued;
  timer: unknown;
}

export function createPresses(b: Bindings, t: PressTiming, queue: Queue, io: PressPorts): Presses {
  const waiting: Waiting[] = [];
  const sent: Queued[] = []; // held by the MQTT client this boot: it owns their resending
  const lapsed: Queued[] = []; // waited for in vain while unacknowledged: awaited again at their PUBACK

  /** The wait for the press (boot, seq), if it is awaited. */
  function awaited(boot: string, seq: number): Waiting | undefined {
    for (let i = 0; i < waiting.length; i++) if (waiting[i].e.b === boot && waiting[i].e.s === seq) return waiting[i];
    return undefined;
  }

  function finish(w: Waiting, state: "ok" | "fail" | "queued"): void {
    const i = waiting.indexOf(w);
    if (i < 0) return;
    waiting.splice(i, 1);
    b.cancel(w.timer);
    io.verdict(state);
    io.changed();
  }

  /** Awaits an answer for `ms` (again, if it is awaited already). */
  function wait(e: Queued, ms: number): void {
    let w = awaited(e.b, e.s);
    if (!w) {
      w = { e: e, timer: 0 };
      waiting.push(w);
    }
    const ww = w;
    b.cancel(ww.timer);
    ww.timer = b.after(ms, () => {
      const kept = queue.items.indexOf(e) >= 0;
      b.log("press " + e.s + ": no answer" + (kept ? ", kept" : ""));
      if (kept) lapsed.push(e);
      finish(ww, kept ? "queued" : "fail");
    });
  }

  function send(e: Queued): void {
    wait(e, t.resultMs);
    const ok = io.send(e, () => {
      queue.remove(e);
      sent.splice(sent.indexOf(e), 1);
      // Heard by the broker after all (resent with DUP after a reconnect): the relay will answer.
      const i = lapsed.indexOf(e);
      if (i >= 0) {
        lapsed.splice(i, 1);
        wait(e, t.resultMs);
      }
      // A slot is free in the MQTT client: a press it had no room for can go now.
      if (io.up()) flush();
      io.changed();
    });
    if (ok) sent.push(e);
    io.changed();
  }

  /** Sends the queued presses the MQTT client does not hold (it resends its own after a reconnect). */
  function flush(): void {
    for (let i = 0; i < queue.items.length; i++) {
      if (sent.indexOf(queue.items[i]) < 0) send(queue.items[i]);
    }
  }

  return {
    add(e) {
      b.log("press " + e.s + ": " + e.y);
      queue.add(e);
      if (io.up()) send(e);
      else io.verdict("queued");
    },
    flush: flush,
    answer(r) {
      const w = awaited(r.boot, r.seq);
      if (!w) return; // an answer to a press already shown, or to an earlier boot: nothing to say now
      if (r.state === "pending") wait(w.e, (r.wait || 0) + t.marginMs);
      else {
        b.log("press " + r.seq + ": " + r.state + " " + (r.reason || "") + (r.code || ""));
        finish(w, r.state);
      }
    },
    waiting() {
      return waiting.length;
    },
    stop() {
      for (let i = 0; i < waiting.length; i++) b.cancel(waiting[i].timer);
    },
  };
}
