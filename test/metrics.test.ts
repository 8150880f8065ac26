// GET /metrics (relay/src/metrics/): a real relay, presses from a real MQTT client, scrapes parsed
// line by line with a strict reader of Prometheus' text format; the values move with what happens.
// Access: admin token by default, "open" and "off" by config; each relay has its own registry.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { apiClient, eventually, firstStartToken } from "./support/api-client";
import { startRig, Rig } from "./support/relay-rig";
import { Family, parsePrometheusText, sampleValue } from "./support/prometheus-text";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeStatus } from "@bttn/shared";
import { ConfigError } from "../relay/src/config/file";
import { startRelay } from "../relay/src/relay";
import { tempDir } from "./support/temp";

/** Every metric the README lists, with its type (the test fails when one is missing or retyped). */
const OURS: Record<string, Family["type"]> = {
  bttn_presses_total: "counter",
  bttn_press_outcomes_total: "counter",
  bttn_press_duration_seconds: "histogram",
  bttn_action_duration_seconds: "histogram",
  bttn_press_pending_answers_total: "counter",
  bttn_bttns: "gauge",
  bttn_devices_online: "gauge",
  bttn_device_online: "gauge",
  bttn_device_battery_volts: "gauge",
  bttn_device_rssi_dbm: "gauge",
  bttn_callbacks_waiting: "gauge",
  bttn_presses_in_progress: "gauge",
  bttn_presses_waiting_admission: "gauge",
  bttn_presses_in_progress_limit: "gauge",
  bttn_presses_unanswered: "gauge",
  bttn_press_gate_pauses_total: "counter",
  bttn_store_commit_duration_seconds: "histogram",
  bttn_store_commit_writes_total: "counter",
  bttn_store_writes_waiting: "gauge",
  bttn_store_ok: "gauge",
  bttn_store_commits_total: "counter",
  bttn_store_failed_commits_total: "counter",
  bttn_store_dropped_writes_total: "counter",
  bttn_broker_connected: "gauge",
};
/** prom-client's default metrics that the README names: memory and event-loop lag. */
const DEFAULTS: Record<string, Family["type"]> = {
  process_resident_memory_bytes: "gauge",
  process_cpu_seconds_total: "counter",
  nodejs_heap_size_used_bytes: "gauge",
  nodejs_eventloop_lag_seconds: "gauge",
  nodejs_eventloop_lag_p99_seconds: "gauge",
};

const t = suite<{ rig: Rig; admin: string }>("metrics");

t.before(async (ctx) => {
  ctx.rig = await startRig("embedded", (sink) => ({
    bttns: {
      kitchen: {
        secret: "kitchen-secret-1",
        actions: {
          pressed: { http: { url: sink.url("/ok") } },
          "pressed-long": { http: { url: sink.url("/500") } },
          "pressed-double": { http: { method: "POST", url: sink.url("/async"), args: { back: "<CALLBACKURL>" }, async: true, callbackTimeout: 60_000 } },
        },
      },
      shed: { secret: "shed-secret-1", actions: {} },
    },
  }));
  ctx.rig.sink.respond((req, res) => {
    res.statusCode = req.url.startsWith("/500") ? 500 : 200;
    res.end("x");
  });
  ctx.admin = firstStartToken(ctx.rig.logs);
});
t.after(async (ctx) => ctx.rig?.close());

async function scrape(port: number, token?: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: token ? { Authorization: "Bearer " + token } : {} });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

async function families(rig: Rig, admin: string): Promise<Map<string, Family>> {
  const s = await scrape(rig.relay.httpPort, admin);
  assert.is(s.status, 200, s.text);
  return parsePrometheusText(s.text);
}

t("the README's metrics table lists exactly the relay's own metrics", () => {
  const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## Metrics\n"), readme.indexOf("\n## ", readme.indexOf("\n## Metrics\n") + 5));
  const listed = new Set<string>();
  for (const row of section.split("\n").filter((l) => l.startsWith("| `bttn_"))) for (const m of row.split(" | ")[0].matchAll(/`(bttn_[a-z_]+)/g)) listed.add(m[1]);
  assert.equal([...listed].sort(), Object.keys(OURS).sort());
  for (const name of Object.keys(DEFAULTS).filter((n) => !n.includes("_p99"))) assert.ok(section.includes("`" + name + "`"), name + " is named in the README");
});

t("the reader is strict: it refuses what the format does not allow", () => {
  const ok = "# HELP a_total A thing\n# TYPE a_total counter\na_total{x=\"q\\\"\\\\\\n\"} 1\n";
  assert.is(sampleValue(parsePrometheusText(ok), "a_total", { x: 'q"\\\n' }), 1);
  const bad: Array<[string, RegExp]> = [
    ["# TYPE a gauge\na 1", /line break/],
    ["a 1\n", /without a TYPE/],
    ["# TYPE a gauge\na one\n", /not a value/],
    ["# TYPE a gauge\na{x=unquoted} 1\n", /not a sample line/],
    ["# TYPE a gauge\na{1x=\"v\"} 1\n", /not a sample line/],
    ["# TYPE a gauge\na{x=\"bad\\escape\"} 1\n", /not a sample line/],
    ["# TYPE a gauge\na  1\n", /not a sample line/],
    ["# TYPE a gauge\n# TYPE a gauge\n", /second TYPE/],
    ["# TYPE a wobbly\n", /malformed/],
    ["# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", /cumulative/],
    ["# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", /\+Inf/],
    ["# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n", /must equal _count/],
  ];
  for (const [text, why] of bad) assert.throws(() => parsePrometheusText(text), why, JSON.stringify(text));
});

t("needs an admin token by default: none 401, a bttn's API key 403, the admin token 200", async ({ rig, admin }) => {
  const none = await scrape(rig.relay.httpPort);
  assert.is(none.status, 401);
  assert.ok(!none.text.includes("bttn_presses_total"));
  const wrong = await scrape(rig.relay.httpPort, "bttn_0000000000000000_" + "x".repeat(32));
  assert.is(wrong.status, 401);
  const api = apiClient(() => rig.relay.httpPort);
  const key = await api.call("POST", "/keys", { bearer: admin, json: { name: "ha", bttns: ["kitchen"] } });
  assert.is(key.status, 201, key.text);
  const keyed = await scrape(rig.relay.httpPort, (key.body as { key: string }).key);
  assert.is(keyed.status, 403);
  const ok = await scrape(rig.relay.httpPort, admin);
  assert.is(ok.status, 200);
  assert.match(ok.type ?? "", /^text\/plain; version=0\.0\.4/);
});

t("every line parses; every metric the README lists is there with its type, default metrics too", async ({ rig, admin }) => {
  const fams = await families(rig, admin);
  for (const [name, type] of Object.entries({ ...OURS, ...DEFAULTS })) {
    const f = fams.get(name);
    assert.ok(f, "missing " + name);
    assert.is(f!.type, type, name);
    assert.ok(f!.help, name + " has a HELP line");
  }
  for (const name of fams.keys()) if (name.startsWith("bttn_")) assert.ok(name in OURS, name + " is served but not listed (README and this test)");
  assert.ok(sampleValue(fams, "process_resident_memory_bytes")! > 10_000_000);
  assert.is(sampleValue(fams, "bttn_bttns"), 2);
  assert.is(sampleValue(fams, "bttn_broker_connected"), 1);
  assert.is(sampleValue(fams, "bttn_store_ok"), 1);
  assert.is(sampleValue(fams, "bttn_presses_in_progress_limit"), 512);
  assert.is(sampleValue(fams, "bttn_devices_online"), 0);
});

t("values move: presses by bttn and type, outcomes by reason, durations, devices online, battery and signal, commits", async ({ rig, admin }) => {
  const before = await families(rig, admin);
  const commitsBefore = sampleValue(before, "bttn_store_commit_duration_seconds_count")!;
  const d = await rig.device("kitchen");
  assert.is((await d.result(await d.press("pressed", { bat: 3.05, rssi: -61 }))).state, "ok");
  assert.is((await d.result(await d.press("pressed"))).state, "ok");
  const long = await d.result(await d.press("pressed-long"));
  assert.equal([long.state, long.reason], ["fail", "http"]);
  const shed = await rig.device("shed");
  assert.is((await shed.result(await shed.press("pressed"))).reason, "no-action");
  const f0 = await families(rig, admin);
  assert.is(sampleValue(f0, "bttn_device_online", { bttn: "shed" }), 0, "an event without battery or signal says nothing of the device");
  await shed.raw("bttn/shed/status", encodeStatus({ v: 1, online: true, fw: "0.1.0" }));
  await eventually(async () => sampleValue(await families(rig, admin), "bttn_device_online", { bttn: "shed" }) === 1, 3000, "shed online");

  const f = await families(rig, admin);
  assert.is(sampleValue(f, "bttn_presses_total", { bttn: "kitchen", type: "pressed" }), 2);
  assert.is(sampleValue(f, "bttn_presses_total", { bttn: "kitchen", type: "pressed-long" }), 1);
  assert.is(sampleValue(f, "bttn_presses_total", { bttn: "shed", type: "pressed" }), 1);
  assert.is(sampleValue(f, "bttn_press_outcomes_total", { outcome: "ok", reason: "none" }), 2);
  assert.is(sampleValue(f, "bttn_press_outcomes_total", { outcome: "fail", reason: "http" }), 1);
  assert.is(sampleValue(f, "bttn_press_outcomes_total", { outcome: "fail", reason: "no-action" }), 1);
  assert.is(sampleValue(f, "bttn_action_duration_seconds_count", { result: "ok" }), 2);
  assert.is(sampleValue(f, "bttn_action_duration_seconds_count", { result: "http" }), 1);
  assert.ok(sampleValue(f, "bttn_action_duration_seconds_sum", { result: "ok" })! > 0);
  assert.is(sampleValue(f, "bttn_press_duration_seconds_count"), 4);
  assert.is(sampleValue(f, "bttn_devices_online"), 2, "one by its battery and signal, one by its status");
  assert.is(sampleValue(f, "bttn_device_online", { bttn: "kitchen" }), 1);
  assert.is(sampleValue(f, "bttn_device_battery_volts", { bttn: "kitchen" }), 3.05);
  assert.is(sampleValue(f, "bttn_device_rssi_dbm", { bttn: "kitchen" }), -61);
  assert.is(sampleValue(f, "bttn_device_battery_volts", { bttn: "shed" }), undefined, "no battery said, none shown");
  assert.ok(sampleValue(f, "bttn_store_commit_duration_seconds_count")! > commitsBefore, "commits were timed");
  assert.ok(sampleValue(f, "bttn_store_commit_writes_total")! >= 4);
  assert.ok(sampleValue(f, "bttn_store_commits_total")! > 0);
  assert.is(sampleValue(f, "bttn_presses_in_progress"), 0);

  await d.close();
  await shed.close();
});

t("an async press waiting for its callback shows, and goes when called back; a device gone offline is not online", async ({ rig, admin }) => {
  const d = await rig.device("kitchen");
  const seq = await d.press("pressed-double");
  assert.is((await d.result(seq, ["pending"])).state, "pending");
  const waiting = await families(rig, admin);
  assert.is(sampleValue(waiting, "bttn_callbacks_waiting"), 1);
  assert.ok(sampleValue(waiting, "bttn_press_pending_answers_total")! >= 1);
  const body = rig.sink.received.find((r) => r.url === "/async")!.body;
  const back = decodeURIComponent(/back=([^&]+)/.exec(body)![1]);
  const cb = await fetch(back, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ result: "success" }) });
  assert.is(cb.status, 200);
  assert.is((await d.result(seq, ["ok"])).state, "ok");
  const done = await families(rig, admin);
  assert.is(sampleValue(done, "bttn_callbacks_waiting"), 0);
  assert.is(sampleValue(done, "bttn_press_outcomes_total", { outcome: "ok", reason: "none" }), 3);

  // The will (online false) reaches the relay when the client drops without a goodbye.
  d.client.stream.destroy();
  await eventually(async () => sampleValue(await families(rig, admin), "bttn_device_online", { bttn: "kitchen" }) === 0, 5000, "kitchen offline");
});

t('"open" serves without credentials, "off" serves nothing; each relay counts only its own presses', async ({ rig, admin }) => {
  const openRig = await startRig("embedded", (sink) => ({ relay: { metrics: "open" }, bttns: { porch: { secret: "porch-secret-1", actions: { pressed: { http: { url: sink.url("/") } } } } } }));
  try {
    const d = await openRig.device("porch");
    assert.is((await d.result(await d.press("pressed"))).state, "ok");
    const s = await scrape(openRig.relay.httpPort);
    assert.is(s.status, 200);
    const f = parsePrometheusText(s.text);
    assert.is(sampleValue(f, "bttn_presses_total", { bttn: "porch", type: "pressed" }), 1);
    assert.is(sampleValue(f, "bttn_presses_total", { bttn: "kitchen" }), undefined, "the other relay's presses are not here");
    const mine = await families(rig, admin);
    assert.is(sampleValue(mine, "bttn_presses_total", { bttn: "porch" }), undefined, "nor this relay's in the other");
  } finally {
    await openRig.close();
  }
  const offRig = await startRig("embedded", () => ({ relay: { metrics: "off" }, bttns: {} }));
  try {
    assert.is((await scrape(offRig.relay.httpPort, firstStartToken(offRig.logs))).status, 404);
  } finally {
    await offRig.close();
  }
});

t("a wrong relay.metrics stops the start with the field's path", async () => {
  const dir = tempDir("metrics-bad");
  try {
    const e = await startRelay({ dataDir: dir.path, config: { relay: { metrics: "public" as "open" } }, mqttPort: 0, httpPort: 0, host: "127.0.0.1", logLevel: "silent" }).catch((x: unknown) => x);
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /relay\.metrics: .*"admin"/);
  } finally {
    dir.remove();
  }
});

t.run();
