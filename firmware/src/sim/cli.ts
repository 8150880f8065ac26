// The bttn simulator: the firmware's core on Node, against a running relay, with the LED drawn in
// the terminal. It takes the same device file as flash.sh (its Wi-Fi settings are ignored).
//
//   npm run sim -- --config kitchen.json                 interactive: s short, l long, d double,
//                                                        w Wi-Fi off/on, q quit (piped: the same
//                                                        keys or words, a line at a time)
//   npm run sim -- --config kitchen.json --press short   one press; prints the LED's outcome and
//                                                        exits 0 on ok, 1 on fail (or no answer)
//   npm run sim -- --config kitchen.json --setup         setup mode first: the page on loopback;
//                                                        after a save, the bttn runs on the new file
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { DeviceFile } from "@bttn/shared";
import type { Storage } from "../bindings";
import { runSetup } from "../core/setup";
import { readDeviceFile } from "../core/start";
import { dirStorage, memoryStorage, simHardware } from "./bindings";
import { PressKind, SimDevice, startSimDevice } from "./device";

const USAGE = `usage: npm run sim -- --config FILE [--setup] [--press short|long|double] [--timeout SECONDS] [--storage DIR]

  --config FILE     the bttn's device file (bttn.json), as flash.sh takes it
  --press KIND      press once, print the LED's outcome, exit 0 on ok and 1 on fail
  --timeout S       how long --press waits for the relay's answer (default 30)
  --storage DIR     keep the simulated flash (queued presses, boot counter) in DIR
  --setup           start in setup mode, as after holding the button 10 s at power-on: the
                    setup page is served on 127.0.0.1 (its URL is printed); once it saves,
                    the bttn restarts and runs on the saved file (kept in --storage DIR)

Without --press: keys s (short), l (long), d (double), w (Wi-Fi off/on), q (quit). With the
input piped, the same keys or the words short, long, double, wifi, quit, a line at a time;
each press waits for its answer, and the end of the input quits after the last one:
  printf 's\nl\nd\n' | npm run sim -- --config kitchen.json
`;

interface Args {
  config?: string;
  press?: PressKind;
  timeoutS: number;
  storage?: string;
  setup?: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { timeoutS: 30 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    if (k === "--help" || k === "-h") return "";
    if (k === "--config" && v) a.config = argv[++i];
    else if (k === "--press" && (v === "short" || v === "long" || v === "double")) a.press = argv[++i] as PressKind;
    else if (k === "--timeout" && v && Number(v) > 0) a.timeoutS = Number(argv[++i]);
    else if (k === "--storage" && v) a.storage = argv[++i];
    else if (k === "--setup") a.setup = true;
    else return "unknown or incomplete option: " + k;
  }
  if (!a.config) return "--config is required";
  return a;
}

/** The LED as a coloured dot (24-bit colour) and the pattern's name. */
export function drawLed(pattern: string, rgb: number): string {
  const r = (rgb >> 16) & 255;
  const g = (rgb >> 8) & 255;
  const b = rgb & 255;
  const dot = rgb ? `\x1b[38;2;${r};${g};${b}m\u25cf\x1b[0m` : "\x1b[2m\u25cb\x1b[0m";
  return dot + " " + pattern;
}

/** How long a piped press waits for the relay's answer before the next line is read. */
const PIPED_ANSWER_MS = 15_000;
const PIPED_WORDS: Record<string, string> = { short: "s", long: "l", double: "d", wifi: "w", quit: "q" };
const PIPED_HELP = "keys s (short), l (long), d (double), w (Wi-Fi), q (quit), or those words, one line at a time";

/**
 * The keys of one line of piped input: a word (`short`, `long`, `double`, `wifi`, `quit`) or the
 * keys as typed in the terminal (`s`, `l`, `d`, `w`, `q`; several on a line run in turn). Anything
 * else is returned as unknown, to be said, not ignored.
 */
export function pipedKeys(line: string): { keys: string[]; unknown: string[] } {
  const t = line.trim().toLowerCase();
  if (PIPED_WORDS[t]) return { keys: [PIPED_WORDS[t]], unknown: [] };
  const keys: string[] = [];
  const unknown: string[] = [];
  for (const c of t.replace(/[\s,]+/g, "")) ("sldwq".includes(c) ? keys : unknown).push(c);
  return { keys, unknown };
}

function loadFile(path: string): DeviceFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(path + ": " + (e as Error).message);
  }
  const out: { file?: DeviceFile } = {};
  const err = readDeviceFile(text, out);
  if (!out.file) throw new Error(path + ": " + err);
  return out.file;
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function scripted(file: DeviceFile, a: Args, storage: Storage): Promise<number> {
  const dev = startSimDevice(file, {
    sim: { storage, log: (m) => process.stderr.write("[bttn] " + m + "\n") },
    onLed: (p, _rgb, first) => {
      if (first && p !== "off") process.stdout.write("led: " + p + "\n");
    },
  });
  try {
    // Press once the link is up, as a person would after the blue blinking stops; a relay that
    // cannot be reached still gets the press queued, as on the device.
    for (let i = 0; i < 100 && dev.app.link() !== "up" && dev.app.link() !== "denied"; i++) await wait(50);
    if (dev.app.link() === "denied") {
      process.stdout.write("denied: the broker refused this bttn's id or secret\n");
      return 1;
    }
    const outcome = dev.waitFor(["ok", "fail"], a.timeoutS * 1000);
    const pressed = Date.now();
    await dev.press(a.press!);
    const p = await outcome.catch(() => "");
    if (p) {
      // A short press waits out the double-press window before it is sent: the figure says so.
      const s = dev.app.settings;
      const why = a.press === "short" && s.double ? " (" + s.doubleMs + " ms of it is the double-press window; with double presses off a short press is sent at release)" : "";
      process.stdout.write("time: " + (Date.now() - pressed) + " ms from press to " + p + why + "\n");
    }
    process.stdout.write((p || "no answer within " + a.timeoutS + " s (" + (dev.app.queued() ? "press queued" : "sent") + ")") + "\n");
    return p === "ok" ? 0 : 1;
  } finally {
    // Like pulling the plug: no DISCONNECT, so the broker publishes the will (online:false).
    dev.hw.dispose();
  }
}

function interactive(file: DeviceFile, storage: Storage): Promise<number> {
  const tty = process.stdout.isTTY;
  let line = "";
  const redraw = () => {
    if (tty) process.stdout.write("\r\x1b[2K" + line);
  };
  const log = (m: string) => {
    if (tty) process.stdout.write("\r\x1b[2K");
    process.stdout.write("[bttn] " + m + "\n");
    redraw();
  };
  let wifi = true;
  let asleep = false;
  let dev: SimDevice | undefined;
  const current = (): SimDevice => dev!;
  const boot = (wake?: "button") => {
    asleep = false;
    if (dev) dev.hw.dispose(); // the board that went to sleep
    dev = startSimDevice(file, {
      sim: {
        storage,
        log,
        wake,
        heldAtBoot: !!wake,
        onSleep: () => {
          asleep = true;
          log("deep sleep: press s, l or d to wake it with that press");
        },
      },
      onLed: (p, rgb, first) => {
        line = drawLed(p, rgb) + "   (s short, l long, d double, w Wi-Fi, q quit)";
        if (tty) redraw();
        else if (first) process.stdout.write("led: " + p + "\n");
      },
    });
  };
  boot();
  log("simulating bttn " + file.id + " against " + file.relay.host + ":" + file.relay.port);

  return new Promise((done) => {
    let stopped = false;
    const quit = () => {
      if (stopped) return;
      stopped = true;
      current().hw.dispose();
      if (tty) process.stdout.write("\n");
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
      process.stdin.pause();
      done(0);
    };
    const pipedAct = async (key: string) => {
      if (stopped) return;
      if (!"sld".includes(key) || !wifi) return act(key);
      const noAnswer = () => log("no answer within " + PIPED_ANSWER_MS / 1000 + " s");
      if (asleep) {
        await act(key); // the wake press boots a new board: watch that one's LED
        return current().waitFor(["ok", "fail"], PIPED_ANSWER_MS).then(() => undefined, noAnswer);
      }
      // Ready before the press, as a person waits for the blue blinking to stop.
      for (let i = 0; i < 100 && current().app.link() !== "up" && current().app.link() !== "denied"; i++) await wait(50);
      const answered = current().waitFor(["ok", "fail"], PIPED_ANSWER_MS).then(() => undefined, noAnswer);
      await act(key);
      await answered;
    };
    const act = async (key: string) => {
      const kind: PressKind | undefined = key === "s" || key === " " ? "short" : key === "l" ? "long" : key === "d" ? "double" : undefined;
      if (key === "q" || key === "\u0003") return quit();
      if (key === "w") {
        wifi = !wifi;
        current().hw.setWifi(wifi);
        log("Wi-Fi " + (wifi ? "back" : "off"));
        return;
      }
      if (!kind) return;
      if (asleep) {
        // The wake press: the board boots with the button held, then the gesture goes on.
        boot("button");
        await wait(kind === "long" ? current().app.settings.longMs + 300 : 80);
        current().hw.button(false);
        return;
      }
      await current().press(kind);
    };
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(true);
      process.stdin.setEncoding("utf8");
      process.stdin.on("data", (k: string) => {
        for (const key of k.toLowerCase()) void act(key); // a paste of several keys: each in turn
      });
    } else {
      // Piped (demos, scripts): the same keys, or words, one line at a time. Each press waits for
      // its answer before the next line, and the end of the input waits for the last answer, so
      // `printf 's\nl\n' | npm run sim -- ...` shows both outcomes.
      const rl = createInterface({ input: process.stdin });
      let chain = Promise.resolve();
      rl.on("line", (l) => {
        const { keys, unknown } = pipedKeys(l);
        if (unknown.length) log("unknown input " + JSON.stringify(unknown.join("")) + ": " + PIPED_HELP);
        for (const key of keys) chain = chain.then(() => pipedAct(key));
      });
      rl.on("close", () => void chain.then(quit));
    }
  });
}

/** Setup mode on the simulated board, with `text` as its bttn.json; resolves with the file it saved. */
function setupMode(text: string, storage: Storage): Promise<DeviceFile> {
  storage.write("bttn.json", text);
  return new Promise((resolve, reject) => {
    const hw = simHardware({
      storage,
      log: (m) => process.stderr.write("[bttn] " + m + "\n"),
      onServe: (url) => process.stdout.write("setup page: " + url + "\n"),
      // The restart: this process goes on as the restarted bttn, in normal mode on the new file.
      onRestart: () => {
        hw.dispose();
        const out: { file?: DeviceFile } = {};
        const err = readDeviceFile(storage.read("bttn.json"), out);
        if (out.file) resolve(out.file);
        else reject(new Error("bttn.json after setup: " + err));
      },
    });
    runSetup(hw.bindings, {
      onLed: (p, _rgb, first) => {
        if (first) process.stdout.write("led: " + p + "\n");
      },
    });
  });
}

export async function main(argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  if (typeof a === "string") {
    process.stderr.write((a ? a + "\n\n" : "") + USAGE);
    return a ? 2 : 0;
  }
  // npm runs scripts from the package root; a relative path means relative to where the user was.
  const base = process.env.INIT_CWD || process.cwd();
  let file: DeviceFile;
  try {
    file = loadFile(resolve(base, a.config!));
  } catch (e) {
    process.stderr.write((e as Error).message + "\n");
    return 2;
  }
  const storage = a.storage ? dirStorage(resolve(base, a.storage)) : memoryStorage();
  if (a.setup) {
    file = await setupMode(JSON.stringify(file), storage);
    process.stdout.write("restarted in normal mode: relay " + file.relay.host + ":" + file.relay.port + "\n");
  }
  return a.press ? scripted(file, a, storage) : interactive(file, storage);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(String((e as Error).stack || e) + "\n");
      process.exit(1);
    },
  );
}
