// A start that fails leaves nothing behind: a port in use fails it before the data directory is
// touched (no database, no admin token printed), and a failure after the database opened closes
// the database and its checkpoint thread again. Run in a child process where the question is
// whether anything is left running: that process must end by itself.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readlinkSync } from "node:fs";
import { createServer, Server } from "node:net";
import { join } from "node:path";
import { startRelay } from "../relay/src/relay";
import { createLogger } from "../relay/src/log";
import { listen } from "../relay/src/listen";
import { ADMIN_TOKEN_LINE } from "../relay/src/api/admin-token";
import { tempDir } from "./support/temp";

/** Generous: the machine running the tests may be busy; a leaked timer or socket holds it forever. */
const EXIT_WITHIN_MS = 8000;

async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  return { server, port: await listen(server, 0, "127.0.0.1") };
}

/** Runs start-once.ts; resolves with its output and whether it ended by itself soon after the start failed. */
function startInChild(opts: Record<string, unknown>): Promise<{ out: string; err: string; exitedByItself: boolean }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "support", "start-once.ts")], {
    env: { ...process.env, BTTN_RELAY_OPTIONS: JSON.stringify(opts) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  return new Promise((res) => {
    let killer: NodeJS.Timeout | undefined;
    const startKiller = () => (killer ??= setTimeout(() => child.kill("SIGKILL"), EXIT_WITHIN_MS));
    child.stdout.on("data", (d) => {
      out += d;
      if (/start failed|started/.test(out)) startKiller();
    });
    const overall = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      clearTimeout(overall);
      res({ out, err, exitedByItself: code === 0 && signal === null });
    });
  });
}

for (const which of ["HTTP", "MQTT"] as const) {
  test(`the ${which} port in use: the start fails before a database is created or an admin token printed, and leaves nothing running`, async () => {
    const dir = tempDir("start-fails");
    const busy = await occupy();
    try {
      const dataDir = join(dir.path, "data");
      const r = await startInChild({ dataDir, host: "127.0.0.1", httpPort: which === "HTTP" ? busy.port : 0, mqttPort: which === "MQTT" ? busy.port : 0 });
      assert.match(r.out, /start failed: EADDRINUSE/, r.out + r.err);
      assert.not.ok(existsSync(join(dataDir, "bttn.db")), "a database was created by a start that failed");
      assert.not.ok(r.err.includes(ADMIN_TOKEN_LINE), "an admin token was printed by a start that failed");
      assert.ok(r.exitedByItself, "the process did not end by itself within " + EXIT_WITHIN_MS + " ms of the failed start: something was left running\n" + r.err);
    } finally {
      busy.server.close();
      dir.remove();
    }
  });
}

/** This process's open file descriptors on `file` (the relay's connection and its checkpoint thread's). */
function openDescriptors(file: string): number {
  let n = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      if (readlinkSync("/proc/self/fd/" + fd).startsWith(file)) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

test("a failure after the database opened closes it and its checkpoint thread", async () => {
  const dir = tempDir("start-fails-late");
  try {
    const dataDir = join(dir.path, "data");
    // The external broker's client id is read from the data directory after the database opened:
    // a directory in its place makes that step fail.
    mkdirSync(join(dataDir, "client-id"), { recursive: true });
    const err = await startRelay({ dataDir, broker: "mqtt://127.0.0.1:1", httpPort: 0, host: "127.0.0.1", log: createLogger("silent") }).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    assert.is(err?.code, "EISDIR");
    assert.ok(existsSync(join(dataDir, "bttn.db")), "the database was opened (the failure came after it)");
    assert.is(openDescriptors(join(dataDir, "bttn.db")), 0, "the database (or its -wal/-shm) is still open after the failed start");
  } finally {
    dir.remove();
  }
});

test.run();
