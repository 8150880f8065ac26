// What the LED says, as data: the README's table is this table. Each pattern is a list of
// [colour 0xRRGGBB, milliseconds] steps played `n` times; n = 0 loops until something else is shown,
// and a step of 0 ms holds its colour (no timer keeps waking the CPU).
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
  off: { s: [0, 0], n: 0 },
  /** Looking for Wi-Fi or the relay: a short blue blink every second. */
  connecting: { s: [0x0000ff, 100, 0, 900], n: 0 },
  /** Waiting for the relay or an async callback: yellow breathing, like the original's circling yellow. */
  pending: { s: [0xffa000, 300, 0x301800, 300], n: 0 },
  /** The action worked: green for two seconds. */
  ok: { s: [0x00ff00, 2000], n: 1 },
  /** The action failed, or no answer came in time: three red blinks. */
  fail: { s: [0xff0000, 250, 0, 250], n: 3 },
  /** Offline: the press is kept and will be sent on reconnect: two magenta blinks. */
  queued: { s: [0xff00ff, 150, 0, 150], n: 2 },
  /** Held long enough for a long press: a white flash, let go now. */
  armed: { s: [0xffffff, 150, 0, 50], n: 1 },
  /** Wrong id or secret, refused by the broker, or a bad bttn.json: slow red, a second on, a second off. */
  denied: { s: [0xff0000, 1000, 0, 1000], n: 0 },
  /** Battery low: two short orange blinks after a result. */
  lowbat: { s: [0xff4000, 100, 0, 200], n: 2 },
  /** Setup mode, waiting for Wi-Fi settings on its page: two cyan blinks every two seconds. */
  setup: { s: [0x00ffff, 200, 0, 200, 0x00ffff, 200, 0, 1400], n: 0 },
} satisfies { [name: string]: Pattern };

/** A pattern's name: a typo is a compile error, not a dark LED. */
export type PatternName = keyof typeof PATTERNS;
