// The bttn on the interpreter as a scenario sees it: what its LED showed (as pattern names), what
// it logged, what went uncaught, and the preamble's hooks (the button, the radio).
import { Interpreter } from "./interpreter";
import { Colour, colourFolder, patternsShown, Shown } from "./led-trace";
import type { PatternName } from "../src/core/led-patterns";

export interface Device {
  it: Interpreter;
  /** Everything the firmware logged, every boot. */
  logs: string[];
  /** Uncaught exceptions, every boot. */
  errors: string[];
  /** The patterns shown since the last load(). */
  shown(): Shown[];
  /** Forgets the LED's history: call before a load(), whose clock starts at 0 again. */
  newBoot(): void;
  /** Resolves with the first of `names` shown after the first `since` entries of shown(). */
  waitFor(names: PatternName[], since: number, ms: number): Promise<PatternName>;
  waitLog(re: RegExp, since: number, ms: number): Promise<string>;
  press(ms: number): void;
  presses(times: number[]): void;
  dropWifi(): void;
  restoreWifi(): void;
  /** JsVars in use (process.memory() collects garbage first). */
  jsVars(): Promise<number>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until<T>(f: () => T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out after " + ms + " ms waiting for " + what);
    await sleep(20);
  }
}

export function watchDevice(it: Interpreter): Device {
  let colours: Colour[] = [];
  let fold = colourFolder();
  const logs: string[] = [];
  const errors: string[] = [];
  it.onLine((l) => {
    if (l.kind === "pwm") {
      const c = fold(l.ms, l.pin, l.duty);
      if (c) colours.push(c);
    } else if (l.kind === "log") logs.push(l.text);
    else if (l.kind === "error") errors.push(l.text);
  });
  const d: Device = {
    it,
    logs,
    errors,
    shown: () => patternsShown(colours),
    newBoot() {
      colours = [];
      fold = colourFolder();
    },
    waitFor(names, since, ms) {
      return until(() => d.shown().slice(since).find((s) => names.includes(s.name))?.name, ms, "the LED to show " + names.join(" or "));
    },
    waitLog(re, since, ms) {
      return until(() => logs.slice(since).find((l) => re.test(l)), ms, "a log line like " + re);
    },
    press: (ms) => it.run("__dc.press(" + ms + ")"),
    presses: (times) => it.run("__dc.presses(" + JSON.stringify(times) + ")"),
    dropWifi: () => it.run("__dc.dropWifi()"),
    restoreWifi: () => it.run("__dc.restoreWifi()"),
    jsVars: async () => Number(await it.ask("process.memory().usage")),
  };
  return d;
}
