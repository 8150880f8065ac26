// Runs the bttn-relay CLI as a real child process, the way a user on a Pi does.
import { ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CLI = join(ROOT, "relay", "bin", "bttn-relay.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end (or kills it after `timeoutMs`) and collects its output. Its standard
 * input is empty (not a terminal), or `input`, piped and then closed.
 */
export function runProcess(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 20_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  return runProcess(process.execPath, [CLI, ...args], opts);
}

export interface RunningCli {
  child: ChildProcess;
  output(): string;
  /** Resolves when the combined output matches. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const listeners: Array<() => void> = [];
  const add = (d: Buffer) => {
    out += d;
    for (const l of listeners.slice()) l();
  };
  child.stdout!.on("data", add);
  child.stderr!.on("data", add);
  const exited = new Promise<number | null>((res) => child.on("close", (c) => res(c)));
  return {
    child,
    output: () => out,
    waitFor(re, ms = 15_000) {
      return new Promise((res, rej) => {
        const timer = setTimeout(() => rej(new Error("timed out waiting for " + re + " in:\n" + out)), ms);
        const check = () => {
          const m = out.match(re);
          if (m) {
            clearTimeout(timer);
            listeners.splice(listeners.indexOf(check), 1);
            res(m);
          }
        };
        listeners.push(check);
        check();
      });
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const c = await exited;
      clearTimeout(killer);
      return c;
    },
  };
}
