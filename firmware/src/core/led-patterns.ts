// What the LED says, as data: the README's table is this table. Each pattern is one line of text,
// "repeats colour ms colour ms ...", colours in hex RRGGBB without leading zeros (ff is blue, ff00
// green, 0 dark). The steps are played `repeats` times, 0 loops until something else is shown, and
// a step of 0 ms holds its colour (no timer keeps waking the CPU). Text rather than arrays because
// the device keeps this table in RAM for as long as it runs: as text it costs about 30 JsVars, as
// objects of arrays about 100.
// A looping pattern is a state (it stays); a counted one is news (it plays, then the state returns).
// Colours and rhythms differ enough to be told apart by someone who sees only one of them.

export interface Pattern {
  /** Flat steps: colour, ms, colour, ms, ... */
  s: number[];
  /** Repeats; 0 = loop. */
  n: number;
}

// The names are looked up at run time (led.show("queued")), so build.ts must never shorten one:
// firmware/test/build.test.ts checks that none of them is in its list of shortened names.
export const PATTERNS = {
  /** Nothing to say. */
  off: "0 0 0",
  /** Looking for Wi-Fi or the relay: a short blue blink every second. */
  connecting: "0 ff 100 0 900",
  /** Waiting for the relay or an async callback: yellow breathing, like the original's circling yellow. */
  pending: "0 ffa000 300 301800 300",
  /** The action worked: green for two seconds. */
  ok: "1 ff00 2000",
  /** The action failed, or no answer came in time: three red blinks. */
  fail: "3 ff0000 250 0 250",
  /** Offline: the press is kept and will be sent on reconnect: two magenta blinks. */
  queued: "2 ff00ff 150 0 150",
  /** Held long enough for a long press: a white flash, let go now. */
  armed: "1 ffffff 150 0 50",
  /** Wrong id or secret, refused by the broker, or a bad bttn.json: slow red, a second on, a second off. */
  denied: "0 ff0000 1000 0 1000",
  /** Battery low: two short orange blinks after a result. */
  lowbat: "2 ff4000 100 0 200",
  /** Setup mode, waiting for Wi-Fi settings on its page: two cyan blinks every two seconds. */
  setup: "0 ffff 200 0 200 ffff 200 0 1400",
};

/** A pattern's name: a typo is a compile error, not a dark LED. */
export type PatternName = keyof typeof PATTERNS;

/** The words of the pattern called `name` (repeats, then colour and ms in turn); undefined outside the table. */
export function patternWords(name: string): string[] | undefined {
  const line = (PATTERNS as { [name: string]: string })[name];
  return line ? line.split(" ") : undefined;
}

/** How often a pattern plays: 0 for a looping one (a state), more for news. */
export function repeats(name: PatternName): number {
  return parseInt(PATTERNS[name], 10);
}

/** The pattern called `name` as numbers, for tests and tools (the device reads the words as it plays). */
export function pattern(name: string): Pattern | undefined {
  const w = patternWords(name);
  if (!w) return undefined;
  const s: number[] = [];
  for (let i = 1; i < w.length; i += 2) s.push(parseInt(w[i], 16), +w[i + 1]);
  return { s, n: +w[0] };
}
