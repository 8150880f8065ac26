// Turns the preamble's LED writes back into the names of the README's LED patterns
// (core/led-patterns.ts), so that a scenario can wait for "ok" the way a person watches for green.
// The LED player writes all three channels of a colour in turn, red first and blue last
// (core/led.ts `out`), so a colour is complete when its blue channel is written.
import { pattern, PatternName, PATTERNS } from "../src/core/led-patterns";

export interface LedPins {
  red: number;
  green: number;
  blue: number;
}

/** The pins the check's bttn.json leaves at their defaults (core/settings.ts pinsOf). */
export const DEFAULT_PINS: LedPins = { red: 21, green: 22, blue: 23 };

export interface Colour {
  /** Milliseconds on the interpreter's clock (since its last load()). */
  ms: number;
  rgb: number;
}

export interface Shown {
  ms: number;
  name: PatternName;
}

/** Collects writes into colours (a common-cathode LED: duty 255 is full on). */
export function colourFolder(pins: LedPins = DEFAULT_PINS): (ms: number, pin: number, duty: number) => Colour | undefined {
  let r = 0;
  let g = 0;
  return (ms, pin, duty) => {
    if (pin === pins.red) r = duty;
    else if (pin === pins.green) g = duty;
    else if (pin === pins.blue) return { ms, rgb: (r << 16) | (g << 8) | duty };
    return undefined;
  };
}

const NAMES = Object.keys(PATTERNS) as PatternName[];

/** Each step's colour and length, per pattern. */
function steps(name: PatternName): Array<{ rgb: number; ms: number }> {
  const s = pattern(name)!.s;
  const out: Array<{ rgb: number; ms: number }> = [];
  for (let i = 0; i < s.length; i += 2) out.push({ rgb: s[i], ms: s[i + 1] });
  return out;
}

/** The longest dark step of a pattern: darkness longer than that ends it. */
function longestDark(name: PatternName): number {
  return Math.max(0, ...steps(name).filter((x) => x.rgb === 0).map((x) => x.ms));
}

/**
 * The pattern a lit colour belongs to, given how long it stayed (undefined: still showing). Two
 * patterns share red (fail: 250 ms, denied: 1 s): the length decides, and a red still showing
 * names nothing yet.
 */
export function patternOf(rgb: number, heldMs: number | undefined): PatternName | undefined {
  const candidates = NAMES.filter((n) => n !== "off" && steps(n).some((x) => x.rgb === rgb));
  if (candidates.length <= 1) return candidates[0];
  if (heldMs === undefined) return undefined;
  let best: PatternName | undefined;
  let bestDiff = Infinity;
  for (const n of candidates) {
    for (const x of steps(n)) {
      if (x.rgb !== rgb) continue;
      const diff = Math.abs((x.ms || Infinity) - heldMs);
      if (diff < bestDiff) {
        bestDiff = diff;
        best = n;
      }
    }
  }
  return best;
}

/** Slack on the interpreter's timers (a busy machine) before a dark step counts as "ended". */
const SLACK_MS = 300;

/**
 * The patterns shown, in order: the steps of one playing are one entry, so three red blinks are
 * one "fail" and a minute of breathing yellow is one "pending". The same pattern counts again
 * after something else, after a darkness longer than its own dark steps, or (a counted pattern)
 * once its first colour has come round more often than it repeats.
 */
export function patternsShown(colours: Colour[]): Shown[] {
  const out: Shown[] = [];
  let current: PatternName | undefined;
  let rounds = 0;
  for (let i = 0; i < colours.length; i++) {
    const c = colours[i];
    const held = i + 1 < colours.length ? colours[i + 1].ms - c.ms : undefined;
    if (c.rgb === 0) {
      if (current && held !== undefined && held > longestDark(current) + SLACK_MS) current = undefined;
      continue;
    }
    const name = patternOf(c.rgb, held);
    if (!name) continue;
    const p = pattern(name)!;
    const first = c.rgb === p.s[0];
    if (name !== current || (p.n && first && rounds >= p.n)) {
      out.push({ ms: c.ms, name });
      current = name;
      rounds = 0;
    }
    if (first) rounds++;
  }
  return out;
}
