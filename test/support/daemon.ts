// Runs a real server binary (Apache, lighttpd, ...) for a test: in its own temporary directory, on a
// free loopback port, until it answers HTTP; then stops it and removes the directory. A missing
// binary fails with the Debian package to install, so a test can never pass by skipping its server.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export interface RunningServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** The server's own directory: config, credential files, documents, logs. */
  readonly root: string;
  /** The server's logs so far, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

/** The full path of a server binary; throws naming the apt package when it is missing. */
export function findBinary(name: string, aptPackage: string): string {
  // Daemons live in sbin, which a non-root PATH often lacks.
  const dirs = (process.env.PATH || "").split(delimiter).concat(["/usr/sbin", "/sbin", "/usr/local/sbin"]);
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  throw new Error(name + " is not installed: install the Debian package " + aptPackage + " (apt-get install -y " + aptPackage + ")");
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh directory for one server. */
export function serverRoot(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), "bttn-" + prefix + "-"));
  // Started as root, Apache serves from workers that run as nobody: they must read in here.
  chmodSync(dir, 0o755);
  return dir;
}

/** Starts a server on a free port, trying another port if one was taken in between. */
export async function onFreePort(start: (port: number) => Promise<RunningServer>): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (e) {
      if (attempt >= 3 || !/in use/i.test((e as Error).message)) throw e;
    }
  }
}

// A test that crashes must not leave servers behind. (Ctrl-C reaches them anyway: they share the
// terminal's process group.)
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) signal(child, "SIGKILL");
});

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.kill(sig); // Apache's parent takes its workers down with it
  } catch {
    // already gone
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/", agent: false, timeout: 500 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

export interface DaemonOptions {
  name: string;
  bin: string;
  args: string[];
  root: string;
  port: number;
  /** Log files the server writes, relative to root, shown when it fails. */
  logFiles: string[];
  startTimeoutMs?: number;
}

/** Starts the server and resolves once it answers HTTP on its port. */
export async function startDaemon(o: DaemonOptions): Promise<RunningServer> {
  let output = "";
  const child = spawn(o.bin, o.args, { cwd: o.root, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", (e) => {
      spawnError = e; // never started, so no exit event will come
      resolve();
    });
  });

  const logs = (): string => {
    let s = output;
    for (const f of o.logFiles) {
      try {
        s += readFileSync(join(o.root, f), "utf8");
      } catch {
        // not written yet
      }
    }
    return s.length > 4000 ? s.slice(-4000) : s;
  };

  const stop = async (): Promise<void> => {
    if (!spawnError && child.exitCode === null && child.signalCode === null) {
      signal(child, "SIGTERM");
      const timer = setTimeout(() => signal(child, "SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    rmSync(o.root, { recursive: true, force: true });
  };

  const deadline = Date.now() + (o.startTimeoutMs ?? 10_000);
  for (;;) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      const why = spawnError ? spawnError.message : "exit " + (child.exitCode ?? child.signalCode);
      const text = logs();
      await stop();
      throw new Error(o.name + " did not start (" + why + "):\n" + text);
    }
    if (await answers(o.port)) break;
    if (Date.now() > deadline) {
      const text = logs();
      await stop();
      throw new Error(o.name + " did not answer on port " + o.port + " in time:\n" + text);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port: o.port, url: "http://127.0.0.1:" + o.port, root: o.root, logs, stop };
}
