// The PostgreSQL harness the store tests stand on: a real server that answers with a password, keeps
// committed data across a restart and a crash, gives each test file a database of its own, and leaves
// neither processes nor files behind, not even when its test process is killed.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import pg from "pg";
import { Postgres, processRuns, serverProcesses, startPostgres } from "./support/postgres";
import { waitFor } from "./support/temp";

const t = suite<{ pg: Postgres }>("PostgreSQL test harness");
t.before(async (ctx) => {
  const started = Date.now();
  ctx.pg = await startPostgres();
  console.log("    postgres started in " + (Date.now() - started) + " ms");
});
t.after(async (ctx) => ctx.pg?.stop());

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

async function one<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = await connect(url);
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Live processes (zombies do not count) whose command line names `path`. */
function processesNaming(path: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync("/proc/" + name + "/cmdline", "utf8").includes(path) && processRuns(Number(name))) found.push(Number(name));
    } catch {
      // ended while we looked
    }
  }
  return found;
}

t("answers on 127.0.0.1 with its password, and refuses a wrong one", async ({ pg: server }) => {
  assert.match(server.url, new RegExp("^postgres://bttn:[0-9a-f]{32}@127\\.0\\.0\\.1:" + server.port + "/bttn$"));
  assert.equal(await one(server.url, "SELECT 1 AS x"), [{ x: 1 }]);
  const wrong = new URL(server.url);
  wrong.password = "not-the-password";
  try {
    await one(wrong.toString(), "SELECT 1");
    assert.unreachable("a wrong password was let in");
  } catch (e) {
    assert.match((e as Error).message, /password authentication failed/);
  }
  assert.equal(await one(server.url, "SHOW fsync"), [{ fsync: "on" }]);
});

t("createDatabase gives a database of its own, empty", async ({ pg: server }) => {
  await one(server.url, "CREATE TABLE only_in_bttn (x int)");
  const url = await server.createDatabase("harness_own");
  assert.is(new URL(url).pathname, "/harness_own");
  assert.equal(await one(url, "SELECT current_database() AS db"), [{ db: "harness_own" }]);
  assert.equal(await one(url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_in_bttn'"), [{ n: 0 }]);
  assert.equal(await one(server.url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_in_bttn'"), [{ n: 1 }]);
});

t("restart: clients are cut off, data stays, a new client connects on the same port", async ({ pg: server }) => {
  await one(server.url, "CREATE TABLE presses (id int PRIMARY KEY, bttn text NOT NULL)");
  await one(server.url, "INSERT INTO presses VALUES (1, 'kitchen'), (2, 'door')");
  const before = await connect(server.url);
  const cutOff = new Promise<Error>((resolve) => before.on("error", resolve)); // a second error may follow the first
  const port = server.port;
  const started = Date.now();
  await server.restart();
  console.log("    restart (fast shutdown + start) in " + (Date.now() - started) + " ms");
  assert.match((await cutOff).message, /terminat|shut ?down|Connection terminated/i);
  assert.is(server.port, port);
  assert.equal(await one(server.url, "SELECT id, bttn FROM presses ORDER BY id"), [
    { id: 1, bttn: "kitchen" },
    { id: 2, bttn: "door" },
  ]);
});

t("kill is a crash: the restart recovers and keeps every committed row", async ({ pg: server }) => {
  const client = await connect(server.url);
  client.on("error", () => {}); // the crash cuts it off
  await client.query("INSERT INTO presses VALUES (3, 'garage')"); // committed, not yet checkpointed
  const before = await serverProcesses(server.url);
  await server.kill();
  for (const pid of before.pids) assert.not.ok(processRuns(pid), "server process " + pid + " survived kill()");
  await client.end().catch(() => {});
  const started = Date.now();
  await server.restart();
  console.log("    restart after kill (crash recovery) in " + (Date.now() - started) + " ms");
  assert.match(server.logs(), /not properly shut down; automatic recovery in progress/);
  assert.equal(await one(server.url, "SELECT id FROM presses ORDER BY id"), [{ id: 1 }, { id: 2 }, { id: 3 }]);
});

t("stop removes the directory and leaves no server process", async ({ pg: server }) => {
  const { dataDirectory, pids } = await serverProcesses(server.url);
  const root = dirname(dataDirectory);
  assert.ok(existsSync(dataDirectory));
  assert.ok(processesNaming(root).length >= 2, "the postmaster and the watchdog name the directory");
  await server.stop();
  assert.not.ok(existsSync(root), root + " is still there");
  for (const pid of pids) assert.not.ok(processRuns(pid), "server process " + pid + " survived stop()");
  assert.equal(processesNaming(root), []);
});

t("a test process killed outright takes its server with it", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "support", "postgres-orphan.ts")], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  const facts = await waitFor(() => (out.includes("\n") ? (JSON.parse(out) as Awaited<ReturnType<typeof serverProcesses>>) : undefined), 20_000, "the orphan's server");
  assert.ok(processRuns(facts.postmaster));
  child.kill("SIGKILL");
  const started = Date.now();
  await waitFor(() => !existsSync(dirname(facts.dataDirectory)), 10_000, "the watchdog to remove " + dirname(facts.dataDirectory));
  console.log("    orphaned server gone " + (Date.now() - started) + " ms after its test process");
  for (const pid of facts.pids) assert.not.ok(processRuns(pid), "server process " + pid + " outlived its test process");
});

t.run();
