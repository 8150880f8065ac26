// Plays the patterns of led-patterns.ts on one RGB LED. The player knows nothing about what a
// pattern means: a looping pattern becomes the state, a counted one interrupts it once.
import { Bindings } from "../bindings";
import { Pattern, PatternName, PATTERNS } from "./led-patterns";

export interface Led {
  /** Shows a pattern; for a counted one, `then` is played after it (before the state returns). */
  show(name: PatternName, then?: PatternName | ""): void;
  /** The pattern playing now ("" before the first). */
  now(): PatternName | "";
}

/** `seen` hears every colour change, with `first` set when a pattern starts (for the simulator). */
export function createLed(b: Pick<Bindings, "after" | "cancel" | "pwm" | "log">, pins: number[], inverted: boolean, seen?: (name: string, rgb: number, first: boolean) => void): Led {
  let state: PatternName = "off";
  let cur: PatternName | "" = "";
  let after: PatternName | "" = "";
  let step = 0;
  let round = 0;
  let timer: unknown;
  let lit = -1;

  function out(rgb: number): void {
    if (rgb !== lit) {
      lit = rgb;
      for (let i = 0; i < 3; i++) {
        const v = ((rgb >> (16 - 8 * i)) & 255) / 255;
        b.pwm(pins[i], inverted ? 1 - v : v);
      }
    }
    if (seen) seen(cur, rgb, !step && !round);
  }

  /** The table by any name: a name from outside the table (a bug, or a build that renamed a key) is said on the console. */
  function find(name: string): Pattern | undefined {
    const p = (PATTERNS as { [name: string]: Pattern })[name];
    if (!p) b.log("led: no pattern " + name);
    return p;
  }

  function tick(): void {
    const p = find(cur);
    if (!p) return;
    if (step >= p.s.length) {
      step = 0;
      if (++round >= p.n && p.n) {
        const next = after || state;
        after = "";
        play(next);
        return;
      }
    }
    const ms = p.s[step + 1];
    out(p.s[step]);
    step += 2;
    if (ms) timer = b.after(ms, tick);
  }

  function play(name: PatternName): void {
    b.cancel(timer);
    timer = 0;
    cur = name;
    step = 0;
    round = 0;
    tick();
  }

  return {
    show(name, then) {
      const p = find(name);
      if (!p) return;
      if (p.n) {
        after = then || "";
        play(name);
        return;
      }
      state = name;
      // A state never cuts news short, and showing the state already playing must not restart it.
      if (cur !== name && (!cur || !PATTERNS[cur].n)) play(name);
    },
    now() {
      return cur;
    },
  };
}
