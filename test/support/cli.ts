// Runs the bttn-relay CLI as a real child process, the way a user on a Pi does.
import { ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import * as assert from "uvu/assert";
import type { HttpAction } from "../../relay/src/config/schema";
import { openSqliteStore } from "../../relay/src/store/sqlite/open";

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

/** The action stored for (id, type) in the data directory under `dir`, read as the relay reads it. */
export async function storedAction(dir: string, id: string, type: string): Promise<HttpAction | undefined> {
  const store = await openSqliteStore(join(dir, "data"));
  try {
    return store.bttns.get(id)?.actions[type as "pressed"]?.http;
  } finally {
    await store.close();
  }
}

/** Asserts the command succeeded (exit 0), saying what it printed if not. */
export function succeeded(r: CliResult, what: string): CliResult {
  assert.is(r.code, 0, what + ": " + r.stderr + r.stdout);
  return r;
}

/** Asserts the command was refused as a usage error (exit 2) with a message like `re`, and printed nothing else. */
export function refused(r: CliResult, re: RegExp): void {
  assert.is(r.code, 2, "exit 2 for " + re + ": " + r.stderr);
  assert.match(r.stderr, re);
  assert.is(r.stdout, "");
}
