// Drives the `espruino` npm CLI (EspruinoTools) as a child process. A child rather than its Node
// API: EspruinoTools keeps its state in globals, and errors inside it (a busy serial port, a
// missing D-Bus when the optional BLE stack is installed) arrive as unhandled 'error' events
// that kill the process that loaded it. In a child they become output we can read.
//
// The CLI exits 0 whatever happened, so every outcome is read from what it prints: lines from the
// board carry the prefix "--] ", its own complaints go to stderr.
import { ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { FlashError } from "./flash-error";
import { DEVICE_FILE_NAME } from "@bttn/shared";
import { BOOT_FILE, CheckResult, FlashPlan, parseCheck, SETUP_FILE } from "./flash-plan";
import { Port } from "./flash-port";

const require = createRequire(import.meta.url);
export const ESPRUINO_CLI = require.resolve("espruino/bin/espruino-cli.js");

/** Staging-folder names, relative so that no path reaches the CLI's `name:file` option parsing. */
export const STAGED = { config: "bttn.json", bundle: "bootcde.bin", setup: "setup.bin", check: "check.js", board: "board.json", stream: "stream.js" };

/**
 * What the CLI is told about the board instead of asking it. With `--board FILE` the CLI neither
 * queries process.env nor downloads the board's JSON from the internet; MODULES names the built-in
 * modules, so `require("Storage")` is not looked up online either.
 */
const BOARD_JSON = {
  BOARD: "ESP32",
  MODULES: "Flash,Storage,heatshrink,net,dgram,http,NetworkJS,Wifi,ESP32,TelnetServer,crypto,neopixel",
  info: {
    binary_version: "2v29",
    builtin_modules: ["Flash", "Storage", "heatshrink", "net", "dgram", "http", "NetworkJS", "Wifi", "ESP32", "TelnetServer", "crypto", "neopixel"],
  },
};

const PROBE_MARKER = "BTTN-HELLO";
/** Split so that an echo of the command cannot be mistaken for the board's answer. */
const PROBE_EXPR = 'print("BTTN"+"-HELLO",process.env.BOARD,process.env.VERSION)';

export function writeBoardFile(staging: string): void {
  writeFileSync(join(staging, STAGED.board), JSON.stringify(BOARD_JSON));
}

/** The options every run shares: nothing fetched, nothing rewritten, no Bluetooth scan. */
export function commonArgs(port: Port | undefined, baud: number): string[] {
  return [
    "--no-ble",
    ...(port ? ["-p", port.kind === "tcp" ? port.url : port.path] : []),
    "-b", String(baud),
    "--board", STAGED.board,
    "--config", "MODULE_URL=",
    "--config", "COMPILATION=false",
    "--config", "STORE_LINE_NUMBERS=false",
    "--config", "ENV_ON_CONNECT=false",
  ];
}

/** The upload: the Storage files as data (base64 chunks, byte-exact), then the read-back line. */
export function uploadArgs(port: Port | undefined, baud: number, setup: boolean): string[] {
  const files = ["--storage", DEVICE_FILE_NAME + ":" + STAGED.config, "--storage", BOOT_FILE + ":" + STAGED.bundle];
  if (setup) files.push("--storage", SETUP_FILE + ":" + STAGED.setup);
  return [...commonArgs(port, baud), ...files, STAGED.check];
}

/** Masks what must never reach the terminal: secrets, and the base64 they travel in. */
export function redact(text: string, secrets: string[]): string {
  let t = text.replace(/atob\("[^"]*"?\)?/g, 'atob("...")').replace(/[A-Za-z0-9+/]{24,}={0,2}/g, "...");
  for (const s of secrets) if (s) t = t.split(s).join("***");
  return t;
}

interface CliOutcome {
  stdout: string;
  stderr: string;
  /** Lines the board printed. */
  board: string[];
  timedOut: boolean;
  /** `stop` said we have what we came for. */
  stopped: boolean;
  /** Non-zero only when the CLI itself crashed: it exits 0 on every failure it notices. */
  code: number | null;
}

interface CliOptions {
  cwd: string;
  timeoutMs: number;
  /** Return true once the run has what it needs; the CLI is then stopped. */
  stop?: (boardLine: string) => boolean;
  onBoardLine?: (line: string) => void;
}

const running = new Set<ChildProcess>();

/** Ends any CLI still running (flash.sh was interrupted). */
export function stopAll(): void {
  for (const c of running) c.kill("SIGKILL");
}

function runCli(args: string[], o: CliOptions): Promise<CliOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ESPRUINO_CLI, ...args], { cwd: o.cwd, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    const out: CliOutcome = { stdout: "", stderr: "", board: [], timedOut: false, stopped: false, code: null };
    let partial = "";
    let graceTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      out.timedOut = true;
      child.kill("SIGKILL");
    }, o.timeoutMs);
    child.stdout.setEncoding("latin1");
    child.stderr.setEncoding("latin1");
    child.stdout.on("data", (d: string) => {
      out.stdout += d;
      partial += d;
      let nl: number;
      while ((nl = partial.indexOf("\n")) >= 0) {
        const line = partial.slice(0, nl).replace(/\r$/, "");
        partial = partial.slice(nl + 1);
        if (!line.startsWith("--] ")) continue;
        const boardLine = line.slice(4);
        out.board.push(boardLine);
        o.onBoardLine?.(boardLine);
        if (!out.stopped && o.stop?.(boardLine)) {
          out.stopped = true;
          // Give the board's last command a moment to go out before the connection closes.
          graceTimer = setTimeout(() => child.kill("SIGTERM"), 300);
        }
      }
    });
    child.stderr.on("data", (d: string) => (out.stderr += d));
    child.on("close", (code) => {
      out.code = code;
      running.delete(child);
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      resolve(out);
    });
    child.on("error", (e) => {
      out.stderr += String(e);
    });
  });
}

/** Turns what the CLI printed about the connection into a FlashError, if it failed to connect. */
function connectionError(port: Port, o: CliOutcome): FlashError | undefined {
  // Only the CLI's own words: a board that prints "ECONNREFUSED" must not read as a refused port.
  const all = o.stderr + "\n" + o.stdout.split("\n").filter((l) => !l.startsWith("--] ")).join("\n");
  if (port.kind === "tcp") {
    const where = port.host + ":" + port.port;
    if (/ECONNREFUSED/.test(all)) {
      return new FlashError(
        "connection refused by " + where + ": nothing listens there",
        "is " + port.host + " the board's address, and is the board on Wi-Fi? Espruino's telnet console listens on port 23",
      );
    }
    if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME/.test(all)) return new FlashError("unknown host " + port.host, "use the board's IP address, or a name this computer can resolve");
    if (/EHOSTUNREACH|ENETUNREACH/.test(all)) return new FlashError("cannot reach " + where + ": no route to that host", "is this computer on the same network as the board?");
    if (/ETIMEDOUT/.test(all)) return new FlashError("no answer from " + where + ": the connection timed out", "is the board powered and on Wi-Fi?");
    if (/ECONNRESET|EPIPE/.test(all) && !/^Connected$/m.test(o.stdout)) return new FlashError("connection to " + where + " was closed at once", "another client may be using the board's console");
    return crashed(o);
  }
  if (/Cannot lock port|Resource temporarily unavailable|EBUSY/.test(all)) {
    return new FlashError("port busy: " + port.path + " is in use by another program", "close the other program (a serial monitor?) and run flash.sh again");
  }
  if (/Permission denied|EACCES/.test(all)) {
    return new FlashError("permission denied on " + port.path, "add yourself to the group that owns it (usually: sudo usermod -aG dialout $USER), then log in again");
  }
  if (/Port .* not found/.test(all)) {
    return new FlashError(
      "the espruino CLI cannot see " + port.path,
      "it only opens ports that its serial library lists, which on Linux it asks udev for (udevadm); is the board plugged in, and udev running?",
    );
  }
  if (/Unable to connect|Unable to open/.test(all)) return new FlashError("cannot open " + port.path + ": " + lastLine(o.stderr));
  return crashed(o);
}

/** The CLI's own crash (an uncaught exception), named by its first error line. */
function crashed(o: CliOutcome): FlashError | undefined {
  if (o.timedOut || o.stopped || !o.code) return undefined;
  const error = o.stderr.split("\n").find((l) => /^\w*Error\b/.test(l.trim()));
  return new FlashError("the espruino CLI failed: " + (error ? error.trim() : lastLine(o.stderr)));
}

function lastLine(s: string): string {
  const lines = s.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.length ? lines[lines.length - 1] : "no reason given";
}

function noAnswer(port: Port, o: CliOutcome, seconds: number, baud: number): FlashError {
  const connected = /^Connected$/m.test(o.stdout);
  if (port.kind === "tcp" && !connected) {
    return new FlashError("no answer from the board at " + port.host + ":" + port.port + " within " + seconds + " s: could not connect", "is the board powered and on Wi-Fi, at that address?");
  }
  return new FlashError(
    "no answer from the board on " + port.label + " within " + seconds + " s",
    port.kind === "tcp"
      ? "something accepted the connection but did not answer like Espruino's console"
      : "is Espruino running on it (flash it with --espruino-firmware), at " + baud + " baud? A bttn in 'sleep' mode must be woken by its button first",
  );
}

export interface BoardInfo {
  board: string;
  version: string;
}

/** Asks the board who it is, without changing anything on it: the quick test that it answers. */
export async function probe(port: Port, o: { staging: string; baud: number; timeoutS: number }): Promise<BoardInfo> {
  const run = await runCli([...commonArgs(port, o.baud), "-e", PROBE_EXPR], {
    cwd: o.staging,
    timeoutMs: o.timeoutS * 1000,
    stop: (l) => l.includes(PROBE_MARKER + " "),
  });
  const hello = run.board.find((l) => l.includes(PROBE_MARKER + " "));
  if (hello) {
    const [board = "?", version = "?"] = hello.slice(hello.indexOf(PROBE_MARKER) + PROBE_MARKER.length).trim().split(/\s+/);
    return { board, version };
  }
  throw connectionError(port, run) ?? noAnswer(port, run, o.timeoutS, o.baud);
}

/**
 * Writes both files and runs the read-back; resolves with the board's report. The CLI paces
 * Storage writes itself (250 ms after each chunk), so the time limit grows with the upload.
 */
export async function upload(
  port: Port,
  plan: FlashPlan,
  o: { staging: string; baud: number; timeoutS: number; onBoardLine?: (line: string) => void },
): Promise<{ check: CheckResult; board: string[] }> {
  const bytes = plan.files.reduce((n, f) => n + f.bytes.length, 0);
  const chunks = plan.files.reduce((n, f) => n + Math.ceil(f.bytes.length / 384), 0);
  const wireS = port.kind === "serial" ? ((bytes * 4) / 3 + chunks * 60) / (o.baud / 10) : 0;
  const limitS = Math.ceil(o.timeoutS + 3 + 2 * (chunks * 0.25 + wireS));
  const run = await runCli(uploadArgs(port, o.baud, plan.files.length > 2), {
    cwd: o.staging,
    timeoutMs: limitS * 1000,
    stop: (l) => parseCheck(l) !== undefined,
    onBoardLine: o.onBoardLine,
  });
  for (const l of run.board) {
    const check = parseCheck(l);
    if (check) return { check, board: run.board };
  }
  const failed = connectionError(port, run);
  if (failed) throw failed;
  const said = run.board.filter((l) => /Uncaught|ERROR|Error/.test(l)).map((l) => redact(l.replace(/^>+/, "").trim(), plan.secrets));
  if (said.length) {
    throw new FlashError("the board did not confirm the upload; it said: " + said.slice(0, 3).join(" | "), "run again with --verbose to see all it printed");
  }
  throw new FlashError(
    run.timedOut
      ? "the board stopped answering during the upload (no read-back within " + limitS + " s)"
      : "the board did not confirm the upload (no read-back)",
    "check the connection and run flash.sh again",
  );
}

/** Has the CLI write the exact command stream it would send, without connecting to anything. */
export async function writeStream(o: { staging: string; baud: number; setup: boolean }): Promise<string> {
  const run = await runCli([...uploadArgs(undefined, o.baud, o.setup), "-o", STAGED.stream], { cwd: o.staging, timeoutMs: 30_000 });
  if (!/Writing output to/.test(run.stdout)) {
    throw new FlashError("the espruino CLI did not write the command stream: " + lastLine(run.stderr || run.stdout));
  }
  return join(o.staging, STAGED.stream);
}
