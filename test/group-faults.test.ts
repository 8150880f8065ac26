// A group of three relays (child processes, one PostgreSQL store, one mosquitto with a shared
// subscription) under a steady load of presses, while one part fails: a relay killed with -9, the
// database killed and restarted, the broker restarted. What must hold each time: no press fires
// twice, no device hears two ends of one press, and once the fault is over every press ends ok.
// What a fault may cost is bounded and counted (README: Scaling out):
// - a relay killed -9 loses the few presses it had taken from the broker and not yet recorded
//   (never fired, never answered); those it had recorded are closed `fail internal` by a survivor
//   once it has been silent for deadAfterMs;
// - while the database is away, a press is answered `fail internal` at once (never fired, never silence).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import pg from "pg";
import { decodeResult, topicFor } from "@bttn/shared";
import { startMosquitto, Mosquitto } from "./support/mosquitto";
import { startPostgres, Postgres } from "./support/postgres";
import { startRelayProcess, RelayProcess } from "./support/relay-process";
import { startSink, WebhookSink } from "./support/webhook-sink";
import { connectDevice, TestDevice } from "./support/device";
import { RELAY_USER } from "./support/relay-rig";
import { sleep, tempDir } from "./support/temp";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const GROUP = "faults";
const TIMING = { beatMs: 250, deadAfterMs: 2000 };
const DEVICES = 5;
/** Each device presses this often: 5 devices, about 40 presses a second for the group. */
const PRESS_EVERY_MS = 125;
/** The webhook answers this late, so a relay always has presses recorded and not yet answered. */
const SINK_DELAY_MS = 300;
/** How late a press during the database's outage may be answered `fail internal`. */
const OUTAGE_ANSWER_MS = 3000;

const secretOf = (id: string) => id + "-secret-123";

interface Ending {
  state: "ok" | "fail";
  reason?: string;
  at: number;
}

interface Press {
  /** "<bttn>:<boot>:<seq>", as the Idempotency-Key header names it. */
  key: string;
  bttn: string;
  boot: string;
  seq: number;
  sentAt: number;
  ends: Ending[];
}

interface Ctx {
  pg: Postgres;
  mosq: Mosquitto;
  sink: WebhookSink;
  relays: RelayProcess[];
  dataDirs: string[];
  devices: TestDevice[];
  /** Every press made, by key. */
  presses: Map<string, Press>;
  /** Requests the sink got, by press key. */
  fired: Map<string, number>;
  startRelay(): Promise<RelayProcess>;
}

const t = suite<Ctx>("a group of relays under faults");

t.before(async (ctx) => {
  try {
    ctx.presses = new Map();
    ctx.fired = new Map();
    ctx.sink = await startSink();
    ctx.sink.respond((req, res) => {
      const key = String(req.headers["idempotency-key"] ?? "").replace(/"/g, "");
      ctx.fired.set(key, (ctx.fired.get(key) ?? 0) + 1);
      setTimeout(() => res.end("ok"), SINK_DELAY_MS);
    });
    const ids = Array.from({ length: DEVICES }, (_, i) => "press" + i);
    const bttns = Object.fromEntries(ids.map((id) => [id, { secret: secretOf(id), actions: { pressed: { http: { method: "GET", url: ctx.sink.url("/press") } } } }]));
    const config = { relay: { rateLimit: "off" }, bttns };
    ctx.pg = await startPostgres();
    ctx.mosq = await startMosquitto({ [RELAY_USER.username]: RELAY_USER.password, ...Object.fromEntries(ids.map((id) => [id, secretOf(id)])) });
    ctx.dataDirs = [];
    ctx.startRelay = async () => {
      const dir = tempDir("group-faults");
      ctx.dataDirs.push(dir.path);
      return startRelayProcess({
        dataDir: dir.path,
        config: config as never,
        store: ctx.pg.url,
        shareGroup: GROUP,
        broker: ctx.mosq.url,
        brokerUsername: RELAY_USER.username,
        brokerPassword: RELAY_USER.password,
        httpPort: 0,
        host: "127.0.0.1",
        logLevel: "warn",
        groupTiming: TIMING,
      });
    };
    // One after the other: each applies the config file to the shared store.
    ctx.relays = [];
    for (let i = 0; i < 3; i++) ctx.relays.push(await ctx.startRelay());
    ctx.devices = [];
    for (const id of ids) {
      const d = await connectDevice({ port: ctx.mosq.port, id, secret: secretOf(id), reconnectMs: 300 });
      // Every result with the time it came: `results` alone has no times.
      d.client.on("message", (topic, payload) => {
        if (topic !== topicFor("bttn", id, "result")) return;
        const r = decodeResult(payload.toString());
        if (!r.ok || (r.value.state !== "ok" && r.value.state !== "fail")) return;
        const p = ctx.presses.get(id + ":" + r.value.boot + ":" + r.value.seq);
        p?.ends.push({ state: r.value.state, reason: r.value.reason, at: Date.now() });
      });
      ctx.devices.push(d);
    }
    // A first round of presses, not counted: each relay opens its database connections and its
    // first webhook connections before a fault is measured.
    const warm = await load(ctx).stop1500();
    await settle(ctx, warm, 5000);
  } catch (e) {
    console.error("set-up failed:", e);
    throw e;
  }
});

t.after(async (ctx) => {
  for (const d of ctx.devices ?? []) await d.close().catch(() => {});
  for (const r of ctx.relays ?? []) await r.close().catch(() => {});
  await ctx.sink?.close();
  await ctx.mosq?.stop();
  await ctx.pg?.stop();
  for (const d of ctx.dataDirs ?? []) rmSync(d, { recursive: true, force: true });
});

/** Every device presses every PRESS_EVERY_MS until `stop()`; resolves with the presses it made. */
function load(ctx: Ctx): { stop(): Promise<Press[]>; stop1500(): Promise<Press[]> } {
  const made: Press[] = [];
  let running = true;
  const loops = ctx.devices.map(async (d, i) => {
    await sleep((i * PRESS_EVERY_MS) / DEVICES); // spread over the interval
    let seq = Math.max(-1, ...[...ctx.presses.values()].filter((p) => p.bttn === d.id).map((p) => p.seq)) + 1;
    // Bounded: the loop ends when stopped, and at the latest after a minute.
    for (const until = Date.now() + 60_000; running && Date.now() < until; seq++) {
      const p: Press = { key: d.id + ":" + d.boot + ":" + seq, bttn: d.id, boot: d.boot, seq, sentAt: Date.now(), ends: [] };
      ctx.presses.set(p.key, p);
      made.push(p);
      // Not awaited: while the broker is away the PUBACK waits, and the device keeps pressing.
      d.press("pressed", { seq }).catch(() => {});
      await sleep(PRESS_EVERY_MS);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return made;
    },
    async stop1500() {
      await sleep(1500);
      return this.stop();
    },
  };
}

const finals = (p: Press) => p.ends.length;

/** Waits until every press in `presses` has ended, or nothing new ended for `quietMs`, at most `maxMs`. */
async function settle(ctx: Ctx, presses: Press[], maxMs: number, quietMs = 1500): Promise<void> {
  const until = Date.now() + maxMs;
  let seen = -1;
  let quietSince = Date.now();
  while (Date.now() < until) {
    const ended = presses.filter((p) => finals(p) > 0).length;
    if (ended === presses.length) return;
    if (ended !== seen) (seen = ended), (quietSince = Date.now());
    else if (Date.now() - quietSince > quietMs) return;
    await sleep(50);
  }
}

interface Row {
  bttn: string;
  boot: string;
  seq: number;
  state: string;
  reason: string | null;
  taken_by: string;
  finished_at: number | null;
}

async function eventRows(ctx: Ctx): Promise<Map<string, Row>> {
  const client = new pg.Client({ connectionString: ctx.pg.url });
  await client.connect();
  try {
    const rows = (await client.query<Row>("SELECT bttn, boot, seq::int AS seq, state, reason, taken_by, finished_at FROM events")).rows;
    return new Map(rows.map((r) => [r.bttn + ":" + r.boot + ":" + r.seq, r]));
  } finally {
    await client.end();
  }
}

/** Nothing fired twice, no device heard two ends of one press. */
function assertOnce(ctx: Ctx, presses: Press[], what: string): void {
  const twiceFired = presses.filter((p) => (ctx.fired.get(p.key) ?? 0) > 1);
  assert.equal(twiceFired.map((p) => p.key), [], what + ": presses fired twice");
  const twiceEnded = presses.filter((p) => finals(p) > 1);
  assert.equal(twiceEnded.map((p) => p.key + " " + JSON.stringify(p.ends)), [], what + ": presses whose device heard two ends");
}

async function healthz(r: RelayProcess): Promise<{ ok: boolean }> {
  const res = await fetch("http://127.0.0.1:" + r.httpPort + "/healthz");
  return (await res.json()) as { ok: boolean };
}

/** Polls every relay's /healthz until it says ok; resolves with the time they all did. */
async function allHealthy(ctx: Ctx, ms: number, what: string): Promise<number> {
  const until = Date.now() + ms;
  for (;;) {
    const states = await Promise.all(ctx.relays.map((r) => healthz(r).then((h) => h, (e: Error) => ({ ok: false, error: e.message }))));
    if (states.every((h) => h.ok)) return Date.now();
    if (Date.now() > until) throw new Error(what + ": /healthz not ok within " + ms + " ms: " + JSON.stringify(states.map((h, i) => ({ relay: i, ...h, exitCode: ctx.relays[i].child.exitCode, log: h.ok ? undefined : ctx.relays[i].logs().slice(-6) })).filter((h) => !h.ok)));
    await sleep(50);
  }
}

function ms(n: number): string {
  return Math.round(n) + " ms";
}

t("kill -9 of one relay: nothing fires twice, its recorded presses end `fail internal`, the others keep serving", async (ctx) => {
  const victim = ctx.relays[1];
  const victimId = readFileSync(join(ctx.dataDirs[1], "client-id"), "utf8").trim();
  const exited = new Promise<number>((res) => victim.child.once("exit", () => res(Date.now())));
  const run = load(ctx);
  await sleep(2500);
  const killAt = Date.now();
  victim.child.kill("SIGKILL");
  const exitAt = await exited;
  // Long enough for the survivors to take the victim for gone, and for presses after that.
  await sleep(TIMING.deadAfterMs + 3000);
  const presses = await run.stop();
  await settle(ctx, presses, 6000);
  const rows = await eventRows(ctx);
  // The group is three again for the next faults (before any assertion here can fail).
  ctx.relays[1] = await ctx.startRelay();

  assertOnce(ctx, presses, "kill -9");
  const lost = presses.filter((p) => !rows.has(p.key));
  for (const p of lost) {
    assert.is(ctx.fired.get(p.key) ?? 0, 0, "a press missing from the store was fired: " + p.key);
    assert.is(finals(p), 0, "a press missing from the store was answered: " + p.key);
  }
  const unended = presses.filter((p) => rows.has(p.key) && finals(p) !== 1);
  assert.equal(unended.map((p) => p.key + " " + JSON.stringify(rows.get(p.key))), [], "recorded presses without exactly one end");
  // The presses the victim had recorded and not answered when it died: a survivor closes them.
  const orphans = presses.filter((p) => rows.get(p.key)?.taken_by === victimId && p.ends[0].at > exitAt + 500);
  for (const p of orphans) {
    assert.equal([p.ends[0].state, p.ends[0].reason], ["fail", "internal"], "an orphan's end: " + p.key);
    assert.ok(p.ends[0].at - exitAt <= TIMING.deadAfterMs + TIMING.beatMs + 1500, "orphan closed " + ms(p.ends[0].at - exitAt) + " after the kill");
  }
  // Lost in flight: what the victim had taken around the kill. A few, never a run of presses.
  const aroundKill = presses.filter((p) => p.sentAt >= killAt - 1000 && p.sentAt <= exitAt + 100);
  assert.ok(lost.length <= Math.max(2, Math.ceil(aroundKill.length * 0.1)), lost.length + " presses lost of " + aroundKill.length + " around the kill");
  // After the kill, the survivors take every press.
  const after = presses.filter((p) => p.sentAt > exitAt + 100);
  const notOk = after.filter((p) => p.ends[0]?.state !== "ok");
  assert.equal(notOk.map((p) => p.key + " sent " + ms(p.sentAt - exitAt) + " after the kill: " + JSON.stringify(p.ends)), [], "presses after the kill");
  assert.ok(after.length > 100, "enough presses after the kill: " + after.length);

  const latencies = orphans.map((p) => p.ends[0].at - exitAt);
  console.log(
    `  kill -9: ${presses.length} presses, ${[...ctx.fired.values()].length} fired; lost in flight ${lost.length} (of ${aroundKill.length} sent in the second before the kill); ` +
      `${orphans.length} closed fail internal ${latencies.length ? ms(Math.min(...latencies)) + ".." + ms(Math.max(...latencies)) : ""} after the kill; ${after.length} after the kill all ok`,
  );
});

t("PostgreSQL killed and restarted: presses meanwhile fail `internal` at once, none fires twice, all ok after", async (ctx) => {
  const run = load(ctx);
  await sleep(1500);
  await ctx.pg.kill();
  const downAt = Date.now();
  await sleep(2000);
  const upFrom = Date.now();
  await ctx.pg.restart();
  const upAt = Date.now();
  await sleep(3000);
  const presses = await run.stop();
  await settle(ctx, presses, 6000);
  const healthyAt = await allHealthy(ctx, 10_000, "after the database's restart");

  assertOnce(ctx, presses, "database outage");
  const during = presses.filter((p) => p.sentAt >= downAt && p.sentAt < upFrom);
  const late = during.filter((p) => !(p.ends[0]?.state === "fail" && p.ends[0].reason === "internal" && p.ends[0].at - p.sentAt <= OUTAGE_ANSWER_MS));
  assert.equal(late.map((p) => p.key + " " + JSON.stringify(p.ends.map((e) => ({ ...e, at: e.at - p.sentAt })))), [], "presses during the outage not answered fail internal within " + OUTAGE_ANSWER_MS + " ms");
  for (const p of during) assert.is(ctx.fired.get(p.key) ?? 0, 0, "fired during the outage: " + p.key);
  assert.ok(during.length >= 40, "enough presses during the outage: " + during.length);
  // Every press, before, during and after, heard one end.
  assert.equal(presses.filter((p) => finals(p) !== 1).map((p) => p.key + " sent " + ms(p.sentAt - downAt) + " after the kill"), [], "presses without exactly one end");
  const after = presses.filter((p) => p.sentAt >= upAt + 1000);
  assert.equal(after.filter((p) => p.ends[0]?.state !== "ok").map((p) => p.key + " " + JSON.stringify(p.ends)), [], "presses a second after the restart");
  const answerMs = during.map((p) => p.ends[0].at - p.sentAt);
  const firstOk = presses.find((p) => p.sentAt >= upAt && p.ends[0]?.state === "ok");
  console.log(
    `  database outage: ${presses.length} presses; ${during.length} during the outage, answered fail internal in ${ms(Math.min(...answerMs))}..${ms(Math.max(...answerMs))}; ` +
      `restart took ${ms(upAt - upFrom)}; first ok press sent ${firstOk ? ms(firstOk.sentAt - upAt) : "never"} after; /healthz ok ${ms(healthyAt - upAt)} after`,
  );
});

t("mosquitto restarted: relays and devices come back, none fires twice, all ok after", async (ctx) => {
  const run = load(ctx);
  await sleep(1500);
  const restartAt = Date.now();
  await ctx.mosq.restart();
  const upAt = Date.now();
  const relaysBackAt = await allHealthy(ctx, 15_000, "after the broker's restart");
  const until = Date.now() + 10_000;
  while (!ctx.devices.every((d) => d.client.connected) && Date.now() < until) await sleep(20);
  assert.ok(ctx.devices.every((d) => d.client.connected), "every device reconnected");
  const backAt = Date.now();
  await sleep(3000);
  const presses = await run.stop();
  await settle(ctx, presses, 6000);

  const twiceFired = presses.filter((p) => (ctx.fired.get(p.key) ?? 0) > 1);
  assert.equal(twiceFired.map((p) => p.key), [], "presses fired twice");
  // A subscription is made just after CONNACK: presses from half a second after all are back.
  const after = presses.filter((p) => p.sentAt >= backAt + 500);
  assert.equal(after.filter((p) => p.ends[0]?.state !== "ok" || finals(p) !== 1).map((p) => p.key + " " + JSON.stringify(p.ends)), [], "presses after everyone is back");
  assert.ok(after.length >= 60, "enough presses after the restart: " + after.length);
  const around = presses.filter((p) => p.sentAt >= restartAt - 500 && p.sentAt < backAt + 500);
  console.log(
    `  broker restart: ${presses.length} presses; broker down ${ms(upAt - restartAt)}, relays back ${ms(relaysBackAt - upAt)} and devices ${ms(backAt - upAt)} after it; ` +
      `around the restart ${around.length} presses: ${around.filter((p) => finals(p) === 1).length} one end, ${around.filter((p) => finals(p) === 0).length} none, ${around.filter((p) => finals(p) > 1).length} two; ${after.length} after all ok`,
  );
});

t.run();
