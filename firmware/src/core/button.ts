// Turns the button's edges into presses: short, long (held past longMs; `armed` fires the moment the
// threshold is crossed so the LED can say "let go now") and double (a second press within doubleMs
// of the first release). With double press off a short press is reported at release, without
// waiting for a second one. Edges settle for debounceMs before they count, so contact bounce on a
// cheap switch never becomes a double press, whatever the platform's own debounce did.
import { Bindings } from "../bindings";
import { EventType } from "@bttn/shared";

export interface ButtonTiming {
  longMs: number;
  double: boolean;
  doubleMs: number;
  debounceMs: number;
}

export interface Button {
  /** A raw edge from the pin watch. */
  edge(down: boolean, t: number): void;
  /** Nothing is in progress: not held, no double-press window open. */
  idle(): boolean;
}

// Phases of one gesture.
const IDLE = 0;
const HELD = 1; // first press down, not yet long
const GAP = 2; // released, waiting to see whether a second press comes
const SECOND = 3; // second press down: already reported as double, its release is ignored
const ARMED = 4; // held past longMs

/** `timing` is read at every press, so settings from the relay apply to the next press. */
export function createButton(b: Bindings, timing: ButtonTiming, press: (type: EventType, t: number) => void, armed: () => void): Button {
  let phase = IDLE;
  let stable = false; // the settled state of the button
  let raw = false;
  let burstAt = 0; // time of the first edge of the current bounce burst
  let settle: unknown;
  let timer: unknown; // long-press or double-press timer
  let pressedAt = 0;

  function onDown(t: number): void {
    if (phase === GAP) {
      b.cancel(timer);
      phase = SECOND;
      press("pressed-double", pressedAt);
      return;
    }
    if (phase !== IDLE) return;
    phase = HELD;
    pressedAt = t;
    timer = b.after(Math.max(0, timing.longMs - (b.now() - t)), () => {
      phase = ARMED;
      armed();
    });
  }

  function onUp(): void {
    b.cancel(timer);
    if (phase === ARMED) press("pressed-long", pressedAt);
    else if (phase === HELD && timing.double) {
      phase = GAP;
      timer = b.after(timing.doubleMs, () => {
        phase = IDLE;
        press("pressed", pressedAt);
      });
      return;
    } else if (phase === HELD) press("pressed", pressedAt);
    phase = IDLE;
  }

  function settled(): void {
    settle = 0;
    if (raw === stable) return;
    stable = raw;
    if (stable) onDown(burstAt);
    else onUp();
  }

  return {
    edge(down, t) {
      if (!settle) burstAt = t;
      raw = down;
      b.cancel(settle);
      settle = b.after(timing.debounceMs, settled);
    },
    idle() {
      return phase === IDLE && !stable && !settle;
    },
  };
}
