// Debian's PostgreSQL, started by a test in a fresh data directory of its own, on a free loopback port,
// with a superuser password of its own: the relay's PostgreSQL store is tested against the real server
// (restarts, crashes), never against the system cluster Debian creates at install.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, chownSync, closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./daemon";
import { sleep, tempDir } from "./temp";

export interface Postgres {
  /** `postgres://bttn:PASSWORD@127.0.0.1:PORT/bttn`: the superuser, on the empty database `bttn`. */
  readonly url: string;
  readonly port: number;
  /** A new empty database on this server (one per test file is cheap); resolves to its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown (clients are cut off, a checkpoint is written), then a start on the same port and data. */
  restart(): Promise<void>;
  /** SIGKILL for the postmaster and every server process: a crash. `restart()` then runs crash recovery. */
  kill(): Promise<void>;
  /** Stops the server (if it runs) and removes its directory. */
  stop(): Promise<void>;
  /** The end of the server's log, for a failure message. */
  logs(): string;
}

export interface PostgresOptions {
  /** More postgresql.conf settings, after (so over) the harness's own, e.g. `{ max_connections: 200 }`. */
  settings?: Record<string, string | number>;
  /** How long one start, crash recovery included, may take. */
  startTimeoutMs?: number;
}

const SUPERUSER = "bttn";

/** The newest installed PostgreSQL's bin directory (Debian keeps each major version in its own). */
export function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  let versions: string[] = [];
  try {
    versions = readdirSync(root).filter((v) => /^\d+$/.test(v));
  } catch {
    // not installed at all
  }
  for (const v of versions.sort((a, b) => Number(b) - Number(a))) {
    const bin = join(root, v, "bin");
    if (existsSync(join(bin, "postgres")) && existsSync(join(bin, "initdb"))) return bin;
  }
  throw new Error("PostgreSQL is not installed: install the Debian package postgresql (apt-get install -y postgresql)");
}

/**
 * PostgreSQL refuses to run as root, so a root test runs it as the `postgres` system user; anyone else
 * runs it as themself. The server is spawned with that uid directly rather than through runuser or
 * pg_ctl: it must stay our own child, so that we reap it (where PID 1 reaps nothing, as in many
 * containers, a dead postmaster left to PID 1 stays a zombie, and its stale pid file then stops the
 * next start) and signal it ourselves (runuser would turn our SIGINT, fast shutdown, into SIGTERM).
 */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!entry) throw new Error("no postgres system user: install the Debian package postgresql");
  const [, , uid, gid] = entry.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

// A C locale and a fixed time zone: initdb does not depend on the machine's locales, and does not
// spend its time probing the zone database.
const SERVER_ENV = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C", LC_ALL: "C", TZ: "UTC" };

function run(bin: string, args: string[], cwd: string, user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env: SERVER_ENV, ...user, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(bin + " failed (exit " + code + "):\n" + out.slice(-4000)))));
  });
}

/** Whether the process still runs, from /proc: a zombie ("Z", dead but not reaped) does not. */
export function processRuns(pid: number): boolean {
  try {
    const stat = readFileSync("/proc/" + pid + "/stat", "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** The pids whose parent is `pid` (the postmaster's backends and helpers), from /proc. */
function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync("/proc/" + name + "/stat", "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) kids.push(Number(name));
    } catch {
      // ended while we looked
    }
  }
  return kids;
}

// A test process that crashes, or is killed by the runner's time limit, runs no cleanup of its own.
// So each server gets a watchdog, in its own session (Ctrl-C does not reach it): once the test process
// is gone while the server's directory is still there, it shuts the postmaster down (immediate mode),
// and removes the directory. A normal stop() ends the watchdog at once.
const WATCHDOG = `
alive() { s=$(cat /proc/$1/stat 2>/dev/null) || return 1; s=\${s##*\\) }; [ "\${s%% *}" != Z ]; }
while alive "$1" && [ -d "$2" ]; do sleep 0.5; done
[ -d "$2" ] || exit 0
pm=$(head -n 1 "$2/data/postmaster.pid" 2>/dev/null)
if [ -n "$pm" ] && [ "$(cat /proc/$pm/comm 2>/dev/null)" = postgres ]; then
  kill -QUIT "$pm" 2>/dev/null
  i=0
  while alive "$pm" && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
  kill -KILL "$pm" 2>/dev/null
fi
rm -rf "$2"
`;

// A test that forgets stop() still ends its servers on a normal exit: immediate shutdown now (exit
// handlers cannot wait), the watchdog removes the directory once the postmaster is gone.
const postmasters = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of postmasters) {
    try {
      child.kill("SIGQUIT");
    } catch {
      // already gone
    }
  }
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

function confValue(v: string | number): string {
  return "'" + String(v).replace(/'/g, "''") + "'";
}

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function startPostgres(opts: PostgresOptions = {}): Promise<Postgres> {
  const bin = postgresBinDir();
  const user = serverUser();
  const dir = tempDir("postgres");
  const data = join(dir.path, "data");
  const logFile = join(dir.path, "postgres.log");
  if (user) chownSync(dir.path, user.uid, user.gid);
  const watchdog = spawn("/bin/sh", ["-c", WATCHDOG, "bttn-postgres-watchdog", String(process.pid), dir.path], { detached: true, stdio: "ignore" });
  watchdog.unref();

  const password = randomBytes(16).toString("hex");
  let port = 0;
  const urlFor = (db: string) => `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${db}`;
  let child: ChildProcess | undefined;

  const logs = (): string => {
    try {
      return readFileSync(logFile, "utf8").slice(-4000);
    } catch {
      return "";
    }
  };

  /** Starts the postmaster and resolves once it accepts connections, as `pg_ctl -w` would know it. */
  const start = async (): Promise<void> => {
    const log = openSync(logFile, "a");
    const c = spawn(join(bin, "postgres"), ["-D", data], { cwd: dir.path, env: SERVER_ENV, ...user, stdio: ["ignore", log, log] });
    closeSync(log);
    child = c;
    postmasters.add(c);
    let spawnError: Error | undefined;
    c.once("error", (e) => (spawnError = e));
    const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
    for (;;) {
      if (spawnError || c.exitCode !== null || c.signalCode !== null) {
        postmasters.delete(c);
        throw new Error("postgres did not start (" + (spawnError?.message ?? "exit " + (c.exitCode ?? c.signalCode)) + "):\n" + logs());
      }
      // The pid file's eighth line is the postmaster's status; its first line tells a stale file
      // (left by a killed server) from this one's.
      let lines: string[] = [];
      try {
        lines = readFileSync(join(data, "postmaster.pid"), "utf8").split("\n");
      } catch {
        // not written yet
      }
      if (lines[0] === String(c.pid) && lines[7]?.trim() === "ready") return;
      if (Date.now() > deadline) {
        await halt("SIGQUIT");
        throw new Error("postgres did not get ready in time:\n" + logs());
      }
      await sleep(20);
    }
  };

  /** Signals the postmaster and waits for it to end: SIGINT is a fast shutdown, SIGQUIT an immediate one. */
  const halt = async (sig: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (!c) return;
    if (c.exitCode === null && c.signalCode === null) {
      c.kill(sig);
      const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
      await exited(c);
      clearTimeout(timer);
    }
    postmasters.delete(c);
    child = undefined;
  };

  try {
    const pwfile = join(dir.path, "pw");
    writeFileSync(pwfile, password + "\n", { mode: 0o600 });
    if (user) chownSync(pwfile, user.uid, user.gid);
    // --no-sync skips only initdb's own final flush of the new files; the server runs with fsync on.
    await run(join(bin, "initdb"), ["-D", data, "-U", SUPERUSER, "--pwfile=" + pwfile, "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"], dir.path, user);
    rmSync(pwfile);
    writeFileSync(
      join(data, "pg_hba.conf"),
      [
        // The socket is in our own directory, which only the server's user (and root) can enter.
        "local all all trust",
        "host all all 127.0.0.1/32 scram-sha-256",
        "",
      ].join("\n"),
    );
    const settings: Record<string, string | number> = {
      listen_addresses: "127.0.0.1",
      unix_socket_directories: dir.path,
      fsync: "on", // tests kill the server and expect what was committed to survive
      shared_buffers: "32MB",
      max_connections: 100,
      ...opts.settings,
    };
    appendFileSync(join(data, "postgresql.conf"), "\n# bttn test harness\n" + Object.entries(settings).map(([k, v]) => `${k} = ${confValue(v)}\n`).join(""));
    // The port is taken between freePort() and the server's bind now and then: try another.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      appendFileSync(join(data, "postgresql.conf"), `port = ${port}\n`); // the last line wins
      try {
        await start();
        break;
      } catch (e) {
        if (attempt >= 3 || !/already in use/i.test((e as Error).message)) throw e;
      }
    }
    await sql(urlFor("postgres"), "CREATE DATABASE bttn");
  } catch (e) {
    await halt("SIGQUIT");
    watchdog.kill("SIGKILL");
    dir.remove();
    throw e;
  }

  return {
    url: urlFor("bttn"),
    port,
    logs,
    createDatabase: async (name) => {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error("not a plain database name: " + name);
      await sql(urlFor("postgres"), "CREATE DATABASE " + name);
      return urlFor(name);
    },
    restart: async () => {
      await halt("SIGINT");
      await start();
    },
    kill: async () => {
      const c = child;
      if (!c?.pid) return;
      // Collected first: once the postmaster is dead they belong to PID 1.
      const kids = childrenOf(c.pid);
      c.kill("SIGKILL");
      for (const pid of kids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await halt("SIGKILL");
      // A server process still attached to the old shared memory would make the next start refuse.
      const until = Date.now() + 5000;
      while (kids.some(processRuns) && Date.now() < until) await sleep(10);
    },
    stop: async () => {
      await halt("SIGINT");
      watchdog.kill("SIGKILL");
      dir.remove();
    },
  };
}

/** Where a running server keeps its data and which processes are it, as the server itself says (superuser URL). */
export async function serverProcesses(url: string): Promise<{ dataDirectory: string; postmaster: number; pids: number[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const dataDirectory: string = (await client.query("SHOW data_directory")).rows[0].data_directory;
    // pg_stat_activity lists every server process but the postmaster: backends and background workers.
    const pids = (await client.query("SELECT pid FROM pg_stat_activity")).rows.map((r) => Number(r.pid));
    const postmaster = Number(readFileSync(join(dataDirectory, "postmaster.pid"), "utf8").split("\n")[0]);
    return { dataDirectory, postmaster, pids: [postmaster, ...pids] };
  } finally {
    await client.end();
  }
}
