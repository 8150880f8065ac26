// Plays the patterns of led-patterns.ts on one RGB LED. The player knows nothing about what a
// pattern means: a looping pattern becomes the state, a counted one interrupts it once.
import { Bindings } from "../bindings";
import { PatternName, patternWords } from "./led-patterns";

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
  /** The words of `cur`'s line: repeats, then colour (hex) and ms in turn. */
  let p: string[] = ["0"];
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
    if (seen) seen(cur, rgb, step < 2 && !round);
  }

  /** The table by any name: a name from outside the table (a bug, or a build that renamed a key) is said on the console. */
  function find(name: string): string[] | undefined {
    const found = patternWords(name);
    if (!found) b.log("led: no pattern " + name);
    return found;
  }

  function tick(): void {
    if (step >= p.length) {
      step = 1;
      if (++round >= +p[0] && +p[0]) {
        const next = after || state;
        after = "";
        play(next, find(next));
        return;
      }
    }
    const ms = +p[step + 1];
    out(parseInt(p[step], 16));
    step += 2;
    if (ms) timer = b.after(ms, tick);
  }

  function play(name: PatternName, words: string[] | undefined): void {
    if (!words) return;
    b.cancel(timer);
    timer = 0;
    cur = name;
    p = words;
    step = 1;
    round = 0;
    tick();
  }

  return {
    show(name, then) {
      const words = find(name);
      if (!words) return;
      if (+words[0]) {
        after = then || "";
        play(name, words);
        return;
      }
      state = name;
      // A state never cuts news short, and showing the state already playing must not restart it.
      if (cur !== name && (!cur || !+p[0])) play(name, words);
    },
    now() {
      return cur;
    },
  };
}
