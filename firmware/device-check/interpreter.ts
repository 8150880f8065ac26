// The Linux build of Espruino as a child process, driven over its telnet console. Not over stdin:
// the Linux build reads stdin on a second thread that pushes into the console's queue without a
// lock, so input sent there can arrive corrupted (and stdin at end-of-file feeds it garbage, which
// is why stdin stays an open pipe that is never written). Its telnet console has a fixed port, 2323.
// It ignores SIGTERM: `quit()` ends it (that function exists only until the first load()), then
// the process is killed by its id.
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsoleLine, lineSplitter, parseLine } from "./console-lines";

/** Espruino's Linux build listens for its telnet console here (libs/network/telnet). */
export const TELNET_PORT = 2323;

export interface Interpreter {
  /** Runs one line at the prompt, without echo (DLE first). */
  run(line: string): void;
  /** Evaluates `expr` on the interpreter and resolves with what it printed for it. */
  ask(expr: string, timeoutMs?: number): Promise<string>;
  onLine(f: (l: ConsoleLine) => void): void;
  /** The last lines of everything it printed (console and stdout), to show when something fails. */
  tail(n: number): string[];
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Fails fast, with a reason, when something else already holds the console's fixed port. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

async function connectWithRetry(port: number, ms: number): Promise<net.Socket> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect(port, "127.0.0.1");
        s.once("connect", () => resolve(s));
        s.once("error", reject);
      });
    } catch (e) {
      if (Date.now() > end) throw new Error("the interpreter's telnet console did not open on 127.0.0.1:" + port + ": " + (e as Error).message);
      await sleep(100);
    }
  }
}

export async function startInterpreter(bin: string): Promise<Interpreter> {
  if (!(await portFree(TELNET_PORT))) {
    throw new Error("port " + TELNET_PORT + " is in use: another Espruino (or something else) holds the telnet console's port");
  }
  // Its Storage lives in ./espruino.flash: a fresh directory is a freshly erased board.
  const dir = mkdtempSync(join(tmpdir(), "bttn-device-check-"));
  const child: ChildProcess = spawn(bin, ["--telnet"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
  const history: string[] = [];
  const keep = (l: string) => {
    history.push(l);
    if (history.length > 400) history.shift();
  };
  const listeners: Array<(l: ConsoleLine) => void> = [];
  let exited = false;
  child.on("exit", () => (exited = true));
  // It must not outlive the check, however the check ends (Ctrl-C included).
  const orphan = () => {
    if (!exited) child.kill("SIGKILL");
  };
  process.on("exit", orphan);
  child.on("error", (e) => keep("spawn error: " + e.message));
  const own = lineSplitter((raw) => keep("[stdout] " + raw.replace(/\r/g, "")));
  child.stdout!.setEncoding("latin1");
  child.stderr!.setEncoding("latin1");
  child.stdout!.on("data", own);
  child.stderr!.on("data", own);

  let sock: net.Socket;
  try {
    sock = await connectWithRetry(TELNET_PORT, 5000);
  } catch (e) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  sock.setEncoding("latin1");
  sock.on("error", () => {});
  sock.on(
    "data",
    lineSplitter((raw) => {
      keep(raw.replace(/\r/g, ""));
      const l = parseLine(raw);
      if (l) for (const f of listeners.slice()) f(l);
    }),
  );

  let nextId = 1;
  const it: Interpreter = {
    run(line) {
      sock.write("\x10" + line + "\n");
    },
    ask(expr, timeoutMs = 5000) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          remove();
          reject(new Error("no answer from the interpreter within " + timeoutMs + " ms to: " + expr.slice(0, 80)));
        }, timeoutMs);
        const f = (l: ConsoleLine) => {
          if (l.kind === "answer" && l.id === id) {
            remove();
            clearTimeout(timer);
            resolve(l.text);
          } else if (l.kind === "error") {
            // An exception in the question itself: say so rather than waiting for the timeout.
            remove();
            clearTimeout(timer);
            reject(new Error("the interpreter said: " + l.text));
          }
        };
        const remove = () => listeners.splice(listeners.indexOf(f) >>> 0, 1);
        listeners.push(f);
        it.run('print("@r' + id + ' "+(' + expr + "))");
      });
    },
    onLine(f) {
      listeners.push(f);
    },
    tail(n) {
      return history.slice(-n);
    },
    async stop() {
      // quit() exists only until the first load(); the kill by id ends it in any case.
      if (!exited) sock.write("\x10if(typeof quit=='function')quit()\n");
      await sleep(300);
      sock.destroy();
      if (!exited && child.pid) process.kill(child.pid, "SIGKILL");
      for (let i = 0; i < 20 && !exited; i++) await sleep(50);
      process.off("exit", orphan);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // The console greets the new telnet client; give it that moment before the first command.
  await sleep(300);
  return it;
}
