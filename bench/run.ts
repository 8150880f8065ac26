// npm run bench [-- --rate 2000 --seconds 10 --bttns 50 --scenario plain]
// Starts the relay as its own process (embedded broker) with K bttns, a loopback webhook sink and
// K simulated devices here; sends R presses/s for T seconds after a warm-up, and prints delivered,
// lost, duplicate actions, press→result latency, achieved throughput and the relay's peak RSS.
// Knobs for investigating: BENCH_RELAY_NODE_ARGS (node flags for the relay, e.g. --cpu-prof),
// BENCH_RELAY_LOG (its log level), BENCH_RELAY_ENTRY (another relay entry file to compare against),
// BENCH_TIMELINE=1 (worst latency per 250 ms, to see when stalls happen), BENCH_PG_LOG=1 (the end
// of PostgreSQL's log, with --store postgres).
// Without arguments it runs the standard rows (the targets of issues #2 and #3).
//
// What the relays stand on: --broker embedded|mosquitto, --store sqlite|postgres, --relays N (a group
// of N sharing presses through mosquitto's shared subscription and one PostgreSQL; N > 1 needs
// mosquitto and postgres), e.g. `npm run bench -- --relays 3 --broker mosquitto --store postgres
// --rate 400`. Given any of them, the rows say the setup, and a second table follows each row: per
// relay, the presses it took (its /metrics), its CPU and CPU time per press, the spread of the work,
// and the CPU of mosquitto and PostgreSQL, which share the machine's cores with the relays.
import { parseArgs } from "node:util";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import { decodeResult, encodeEvent } from "@bttn/shared";
import { tempDir, sleep } from "../test/support/temp";
import { freePort } from "../test/support/daemon";
import { SCENARIOS, Scenario } from "./scenarios";
import { connectRawDevice, RawDevice } from "./raw-devices";
import { procStat } from "./proc";
import { DEFAULT_SETUP, describeSetup, Setup, setupProblem, startBackends, BrokerKind, StoreKind } from "./backends";
import { pressesTaken } from "./relay-presses";

interface Row {
  scenario: string;
  rate: number;
  seconds: number;
  sent: number;
  delivered: number;
  lost: number;
  duplicates: number;
  failed: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  throughput: number;
  rssMb: number;
  cpuPct: number;
  syscallsPerPress: number;
  /** From the last press sent to the last answer received, s. */
  catchUpS: number;
  /** The setup, when not the default one (its relays then are in `relays`). */
  setup?: string;
  relays: RelayFigures[];
  /** CPU % of the servers under the relays (mosquitto, postgres) during the measured window. */
  servers: Record<string, number>;
}

/** One relay's part of a row (the measured window). */
interface RelayFigures {
  /** Presses it took (recorded first), from its /metrics (a refused press is not counted there). */
  presses: number;
  /** Presses it refused (could not record them: answered fail internal, not fired), from its log. */
  refused: number;
  cpuTicks: number;
  cpuPct: number;
}

const ROOT = join(import.meta.dirname, "..");

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * `mqttPort`: where the relay's embedded broker listens (undefined: `extraArgs` name an external one).
 * `extraArgs`, `env`: flags, and secrets by environment, for the broker and store (backends.ts).
 */
async function startRelayProcess(dir: string, dataDir: string, config: unknown, mqttPort: number | undefined, httpPort: number, extraArgs: string[] = [], env: Record<string, string> = {}, onLogLine?: (line: string) => void): Promise<ChildProcess> {
  const file = join(dir, "bttn-relay.json");
  writeFileSync(file, JSON.stringify(config));
  const extra = process.env.BENCH_RELAY_NODE_ARGS ? process.env.BENCH_RELAY_NODE_ARGS.split(" ") : []; // e.g. --cpu-prof
  const ports = mqttPort === undefined ? [] : ["--mqtt-port", String(mqttPort)];
  const child = spawn(process.execPath, [...extra, process.env.BENCH_RELAY_ENTRY ?? join(ROOT, "relay/dist/bttn-relay.mjs"), "--config", file, "--data", dataDir, ...ports, "--http-port", String(httpPort), "--host", "127.0.0.1", "--log-level", process.env.BENCH_RELAY_LOG ?? "warn", ...extraArgs], {
    cwd: ROOT, // so `--import tsx` resolves
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", onLogLine ? "pipe" : "inherit"],
  });
  if (onLogLine) {
    // Read (to count refused presses) and passed on as it came.
    createInterface({ input: child.stderr! }).on("line", (line) => {
      process.stderr.write(line + "\n");
      onLogLine(line);
    });
  }
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      if (r.ok) return child;
    } catch {
      /* not up yet */
    }
    await sleep(50);
  }
  child.kill("SIGKILL");
  throw new Error("relay did not start");
}

async function connectAll(ids: string[], port: number, onResult: (id: string, payload: Buffer) => void): Promise<RawDevice[]> {
  return Promise.all(ids.map((id) => connectRawDevice(port, id, "secret-" + id, (p) => onResult(id, p))));
}

/** `setup`: given, the row runs on it and measures each relay; undefined is today's single relay (embedded broker, SQLite). */
async function runRow(sc: Scenario, rate: number, seconds: number, k: number, warmupS: number, setup?: Setup): Promise<Row> {
  const dir = tempDir("bench");
  const sinkProc = fork(join(import.meta.dirname, "sink-process.ts"), [], {
    execArgv: ["--import", "tsx"],
    cwd: ROOT,
    env: { ...process.env, BENCH_SINK_AUTH: sc.sinkAuth ? JSON.stringify(sc.sinkAuth) : "" },
  });
  const sink = await new Promise<{ url: string }>((res) => sinkProc.once("message", (m) => res(m as { url: string })));
  // Never leave a child behind (it would hold the terminal's pipes open), whatever happens below.
  const cleanup = () => sinkProc.kill("SIGKILL");
  process.once("exit", cleanup);
  const ids = Array.from({ length: k }, (_, i) => "b" + i);
  const action = sc.action(sink.url);
  // No rate limit: each simulated bttn presses far faster than a person (40/s at 2000/s).
  const config = { relay: { rateLimit: "off" }, bttns: Object.fromEntries(ids.map((id) => [id, { secret: "secret-" + id, actions: action ? { pressed: { http: action } } : {} }])) };
  const backends = await startBackends(setup ?? DEFAULT_SETUP, Object.fromEntries(ids.map((id) => [id, "secret-" + id])));
  const mqttPort = backends.brokerPort ?? (await freePort());
  const relays: ChildProcess[] = [];
  const httpPorts: number[] = [];
  // Refused presses leave no count in /metrics: their log lines in the measured window are counted.
  const window = { from: Infinity, to: Infinity };
  const refused: number[] = [];
  const countRefused = (i: number) => (line: string) => {
    if (!line.includes("could not record the event")) return;
    const at = Date.parse(line.slice(0, line.indexOf(" ")));
    if (at >= window.from && at <= window.to) refused[i]++;
  };
  process.once("exit", () => relays.forEach((r) => r.kill("SIGKILL")));
  // One after the other: each applies the config file to the store (in a group, the shared one).
  for (let i = 0; i < (setup?.relays ?? 1); i++) {
    const httpPort = await freePort();
    const dataDir = join(dir.path, i === 0 ? "data" : "data-" + i);
    const args = [...backends.relayArgs(), ...(setup ? ["--metrics-open"] : [])];
    refused.push(0);
    relays.push(await startRelayProcess(dir.path, dataDir, config, backends.brokerPort === undefined ? mqttPort : undefined, httpPort, args, backends.relayEnv, setup && countRefused(i)));
    httpPorts.push(httpPort);
  }

  const boot = "be0c" + Math.floor(Math.random() * 0xffff).toString(16).padStart(4, "0");
  const sentAt = new Map<string, number>(); // `${id}:${seq}` -> ms
  const latencies: number[] = [];
  const done = new Set<string>();
  let lastDoneAt = 0;
  let failed = 0;
  let measuring = false;
  // BENCH_TIMELINE=1: the worst latency of each 250 ms of sending, to see when stalls happen.
  const timeline: Array<[number, number]> | undefined = process.env.BENCH_TIMELINE ? [] : undefined;
  const clients = await connectAll(ids, mqttPort, (id, payload) => {
    const d = decodeResult(payload.toString());
    if (!d.ok || d.value.state === "pending") return;
    const key = id + ":" + d.value.seq;
    if (done.has(key)) return;
    done.add(key);
    lastDoneAt = performance.now();
    const t0 = sentAt.get(key);
    if (d.value.state === "fail" && d.value.reason !== "no-action") failed++;
    if (t0 !== undefined && measuring) {
      latencies.push(performance.now() - t0);
      if (timeline) timeline.push([t0, performance.now() - t0]);
    }
  });
  const seqs = new Array(k).fill(0);

  // Sends presses at `r`/s for `s` seconds, in 5 ms ticks, keeping to the schedule by elapsed time.
  // With `ramp`, the rate climbs from 0 to `r` over the whole `s` seconds instead.
  async function drive(r: number, s: number, record: boolean, ramp = false): Promise<number> {
    const start = performance.now();
    let sent = 0;
    let next = 0;
    const total = Math.round(ramp ? (r * s) / 2 : r * s);
    while (sent < total) {
      const t = (performance.now() - start) / 1000;
      const due = Math.min(total, Math.floor(ramp ? (r * t * t) / (2 * s) : t * r));
      while (sent < due) {
        const i = next++ % k;
        const id = ids[i];
        const seq = seqs[i]++;
        const key = id + ":" + seq;
        if (record) sentAt.set(key, performance.now());
        clients[i].publish(`bttn/${id}/event`, encodeEvent({ v: 1, boot, seq, type: "pressed", age: 0, bat: 3.1, rssi: -60 }));
        sent++;
      }
      await sleep(5);
    }
    return sent;
  }

  // Warm-up: a ramp to the rate, then a second at the rate. A relay started cold and hit at full rate
  // at once runs its first seconds in V8's interpreter and builds a backlog it needs seconds to
  // drain (`--warmup 0` shows it); the rows measure the warm relay.
  const ov = sc.overload;
  const warmRate = ov ? ov.warmRate : rate;
  await drive(warmRate, warmupS, false, true);
  await drive(warmRate, 1, false);
  await sleep(500);
  const takenBefore = setup ? await Promise.all(httpPorts.map(pressesTaken)) : [];
  const befores = relays.map((r) => procStat(r.pid!));
  const serversBefore = backends.cpuTicks();
  const genBefore = process.cpuUsage();
  // The generator's own stalls (its GC, its send loop) delay the moment it sees a result, and count
  // as latency: its event-loop delay says how much of the tail is the harness.
  const genLag = monitorEventLoopDelay({ resolution: 1 });
  genLag.enable();
  measuring = true;
  // The relays' log lines carry the time: this says which of them fall in the measured window.
  window.from = Date.now();
  if (setup) console.error(`  measured window from ${new Date(window.from).toISOString()}`);
  const t0 = performance.now();
  const sent = await drive(rate, ov ? ov.seconds : seconds, true);
  const lastSentAt = performance.now();
  // Wait for stragglers: up to 10 s (the action timeout) after the last press; an overload row
  // waits until the relay has caught up.
  const until = performance.now() + (ov ? ov.catchUpS * 1000 : 10_000);
  const keys = [...sentAt.keys()];
  while (performance.now() < until && keys.some((key) => !done.has(key))) await sleep(20);
  const elapsed = (performance.now() - t0) / 1000;
  if (timeline) {
    const worst = new Map<number, number>();
    for (const [at, ms] of timeline) {
      const slot = Math.floor((at - t0) / 250);
      worst.set(slot, Math.max(worst.get(slot) ?? 0, ms));
    }
    console.error("  worst latency per 250 ms: " + [...worst.entries()].sort((a, b) => a[0] - b[0]).map(([, ms]) => ms.toFixed(0)).join(" "));
  }
  const afters = relays.map((r) => procStat(r.pid!));
  window.to = Date.now();
  if (setup) console.error(`  measured window to ${new Date(window.to).toISOString()}`);
  const serversAfter = backends.cpuTicks();
  const takenAfter = setup ? await Promise.all(httpPorts.map(pressesTaken)) : [];
  const gen = process.cpuUsage(genBefore);
  genLag.disable();
  console.error(`  load generator CPU ${(((gen.user + gen.system) / 1e6 / elapsed) * 100).toFixed(0)} %, event-loop delay p50 ${(genLag.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(genLag.percentile(99) / 1e6).toFixed(1)} ms, max ${(genLag.max / 1e6).toFixed(1)} ms`);
  const delivered = keys.filter((key) => done.has(key)).length;
  const ticksOf = relays.map((_, i) => afters[i].cpuTicks - befores[i].cpuTicks);
  const ticks = ticksOf.reduce((a, b) => a + b, 0);
  const syscalls = relays.reduce((n, _, i) => n + afters[i].syscalls - befores[i].syscalls, 0);
  const relayFigures: RelayFigures[] = setup ? relays.map((_, i) => ({ presses: takenAfter[i] - takenBefore[i], refused: refused[i], cpuTicks: ticksOf[i], cpuPct: (ticksOf[i] / 100 / elapsed) * 100 })) : [];
  const servers = Object.fromEntries(Object.entries(serversAfter).map(([name, t]) => [name, ((t - (serversBefore[name] ?? 0)) / 100 / elapsed) * 100]));

  for (const c of clients) c.close();
  await Promise.all(
    relays.map((r) => {
      r.kill("SIGTERM");
      return new Promise((res) => r.once("close", res));
    }),
  );
  relayFigures.forEach((f, i) => (f.refused = refused[i])); // every log line is in once the relays closed
  await backends.stop();
  sinkProc.send({ cmd: "report" });
  const report = await new Promise<{ duplicates: number; cpu: NodeJS.CpuUsage }>((res) => sinkProc.once("message", (m) => res(m as { duplicates: number; cpu: NodeJS.CpuUsage })));
  console.error(`  webhook sink CPU (whole run) ${((report.cpu.user + report.cpu.system) / 1e3).toFixed(0)} ms`);
  const dups = report.duplicates;
  // A press acted on twice is the one thing a relay (or a group) must never do: say it so it is not missed.
  if (dups) console.error(`\n  !!! ${dups} DUPLICATE ACTION${dups > 1 ? "S" : ""}: the webhook sink saw a press fired more than once !!!\n`);
  dir.remove();

  latencies.sort((a, b) => a - b);
  const lastDone = latencies.length ? latencies.length : 0;
  return {
    scenario: sc.name,
    rate,
    seconds: ov ? ov.seconds : seconds,
    sent,
    delivered,
    lost: sent - delivered,
    duplicates: dups,
    failed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    throughput: lastDone / (ov ? elapsed : Math.max(seconds, Math.min(elapsed, seconds + 10))),
    rssMb: Math.max(...afters.map((a) => a.hwmKb)) / 1024,
    cpuPct: (ticks / 100 / elapsed) * 100,
    syscallsPerPress: syscalls / Math.max(1, delivered),
    catchUpS: Math.max(0, lastDoneAt - lastSentAt) / 1000,
    setup: setup && setupLabel(setup),
    relays: relayFigures,
    servers,
  };
}

function table(head: string[], lines: string[][]): void {
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => "| " + cells.map((c, i) => c.padStart(w[i])).join(" | ") + " |";
  console.log(fmt(head));
  console.log("|" + w.map((x) => "-".repeat(x + 2)).join("|") + "|");
  for (const l of lines) console.log(fmt(l));
}

/** The rows; with several relays, peak RSS is the largest relay's, CPU % and syscalls the relays' sum. */
function print(rows: Row[]): void {
  const withSetup = rows.some((r) => r.setup);
  const head = [...(withSetup ? ["setup"] : []), "scenario", "rate/s", "s", "sent", "delivered", "lost", "dup", "fail", "p50 ms", "p95 ms", "p99 ms", "max ms", "done/s", "peak RSS MB", "CPU %", "syscalls/press", "catch-up s"];
  const lines = rows.map((r) => [...(withSetup ? [r.setup ?? ""] : []), r.scenario, r.rate, r.seconds, r.sent, r.delivered, r.lost, r.duplicates, r.failed, r.p50.toFixed(1), r.p95.toFixed(1), r.p99.toFixed(1), r.max.toFixed(1), r.throughput.toFixed(0), r.rssMb.toFixed(0), r.cpuPct.toFixed(0), r.syscallsPerPress.toFixed(1), r.catchUpS.toFixed(1)].map(String));
  table(head, lines);
}

/** CPU µs one relay spent per press it took (a tick is 10 ms of CPU). */
const cpuUsPerPress = (ticks: number, presses: number) => (presses ? ((ticks * 10_000) / presses).toFixed(0) : "-");

/** Each relay's share of a row, the group's totals, and the servers' CPU. */
function printRelays(r: Row): void {
  // A relay handled the presses it took and those it refused: both came to it from the broker.
  const handled = (x: RelayFigures) => x.presses + x.refused;
  const total = r.relays.reduce((n, x) => n + handled(x), 0);
  const ticks = r.relays.reduce((n, x) => n + x.cpuTicks, 0);
  const lines = r.relays.map((x, i) => [String(i + 1), String(x.presses), String(x.refused), total ? ((handled(x) / total) * 100).toFixed(1) : "-", x.cpuPct.toFixed(0), cpuUsPerPress(x.cpuTicks, handled(x))]);
  lines.push(["all", String(r.relays.reduce((n, x) => n + x.presses, 0)), String(r.relays.reduce((n, x) => n + x.refused, 0)), "100.0", r.relays.reduce((n, x) => n + x.cpuPct, 0).toFixed(0), cpuUsPerPress(ticks, total)]);
  table(["relay", "presses taken", "refused", "share %", "CPU %", "CPU µs/press"], lines);
  const refused = r.relays.reduce((n, x) => n + x.refused, 0);
  if (refused) console.log(`  !!! ${refused} presses refused in the window (answered fail internal, not fired: the store was in trouble; see the relays' log) !!!`);
  const shares = r.relays.map(handled);
  const spread = Math.min(...shares) > 0 ? (Math.max(...shares) / Math.min(...shares)).toFixed(2) : "∞";
  const servers = Object.entries(r.servers).map(([name, pct]) => `${name} CPU ${pct.toFixed(0)} %`);
  console.log(`  total ${r.throughput.toFixed(0)} presses/s, relays ${cpuUsPerPress(ticks, total)} CPU µs/press, spread (max/min share) ${spread}${servers.length ? ", " + servers.join(", ") : ""}`);
  // Each press is taken (recorded first) or refused by exactly one relay. The counts are of what the
  // relays did in the window: a backlog left from the warm-up, or presses still unanswered at its
  // end, make them differ from the presses sent in it as well (the sink's count of duplicates is exact).
  if (total !== r.sent) console.log(`  !!! the relays handled ${total} presses in the window, ${r.sent} were sent in it (a backlog, lost presses, or presses handled twice) !!!`);
}

/** A short name of the setup for the rows. */
const setupLabel = (s: Setup) => `${s.relays}×${s.broker === "embedded" ? "emb" : "mosq"}+${s.store === "sqlite" ? "sqlite" : "pg"}`;

const { values } = parseArgs({
  options: {
    rate: { type: "string" },
    seconds: { type: "string", default: "10" },
    bttns: { type: "string", default: "50" },
    scenario: { type: "string" },
    warmup: { type: "string", default: "4" },
    relays: { type: "string" },
    broker: { type: "string" },
    store: { type: "string" },
  },
});
// Any of --relays, --broker, --store: the rows measure each relay (today's rows are left as they were).
const setup: Setup | undefined =
  values.relays || values.broker || values.store
    ? { relays: Number(values.relays ?? DEFAULT_SETUP.relays), broker: (values.broker ?? DEFAULT_SETUP.broker) as BrokerKind, store: (values.store ?? DEFAULT_SETUP.store) as StoreKind }
    : undefined;
const problem = setup && setupProblem(setup);
if (problem) {
  console.error("bench: " + problem);
  process.exit(2);
}
const k = Number(values.bttns);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const chosen = SCENARIOS.find((s) => s.name === (values.scenario ?? "plain")) ?? SCENARIOS[0];
const plan: Array<[Scenario, number]> = values.rate || values.scenario
  ? [[chosen, Number(values.rate ?? chosen.standardRates[0] ?? 2000)]]
  : SCENARIOS.flatMap((s) => s.standardRates.map((r) => [s, r] as [Scenario, number]));
for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => process.exit(130));
// Measure what `npm start` runs: the bundled relay under plain node.
execFileSync("npm", ["run", "build", "-w", "relay", "--silent"], { cwd: ROOT, stdio: "inherit" });
const rows: Row[] = [];
console.log(`bttn relay benchmark: ${k} bttns, ${seconds} s per row after a warm-up (${warmup} s ramp to the rate, 1 s at it), ${setup ? describeSetup(setup) : "embedded broker"}, QoS 1, loopback`);
for (const [sc, rate] of plan) {
  const row = await runRow(sc, rate, seconds, k, warmup, setup);
  rows.push(row);
  print([row]);
  if (setup) printRelays(row);
}
console.log("");
print(rows);
