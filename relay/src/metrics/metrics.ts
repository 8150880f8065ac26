// The relay's metrics in Prometheus' terms (prom-client), one registry per relay: tests run several
// relays in one process, and a registry shared between them would mix their counts. What happens to
// presses and devices is counted from the relay's news (news.ts), never on the press path itself;
// depths and sizes (presses in progress, callbacks waiting, writes waiting) are read when scraped.
import type { Store } from "../store/store";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { RelayNews } from "../news";

/** What the gauges read at scrape time; every part is the relay's own, nothing is copied. */
export interface MetricSources {
  news: RelayNews;
  /** The ids of the bttns the relay knows now (a removed bttn's device gauges go with it). */
  bttnIds: () => string[];
  /** Last known device status at start (the store's), before any news. */
  initialStatus: (id: string) => { online: boolean; bat: number | null; rssi: number | null };
  /** Backpressure gate: presses in progress, presses waiting to be let in, the bound, pauses. */
  gate: { size: number; waiting: number; bound: number; stats: { pauses: number } };
  /** Presses taken and not yet answered by the press path. */
  unanswered: () => number;
  /** Async presses with an open callback URL (first request in flight, or waiting for the callback). */
  callbacksWaiting: () => number;
  /** The store: its health (commits, writes waiting) and, where it has one, its commits' timing hook. */
  store: Pick<Store, "health" | "onCommitted">;
  brokerConnected: () => boolean;
}

/** Seconds. Actions: a fast LAN webhook answers in milliseconds; the timeout is 10 s by default, 60 s at most. */
const ACTION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds. A commit costs ~40 µs alone and a few ms under load; a slow SD card shows in the top buckets. */
const COMMIT_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * A labelled counter counted in a plain map on the press path and handed to prom-client when
 * scraped: prom-client checks and hashes the label object at every inc (a few µs, several times per
 * press at 2000/s); here a press costs one map lookup.
 */
function tally(registers: Registry[], name: string, help: string, labelNames: string[]): (labels: string[]) => void {
  const counts = new Map<string, { labels: string[]; n: number }>();
  new Counter({
    name,
    help,
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const c of counts.values()) this.labels(...c.labels).inc(c.n);
    },
  });
  return (labels) => {
    const key = labels.join("\n");
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { labels, n: 1 });
  };
}

export class RelayMetrics {
  readonly registry = new Registry();
  private readonly stops: Array<() => void> = [];
  /** Last known state per bttn, kept from the news (online, battery, signal). */
  private readonly devices = new Map<string, { online: boolean; bat?: number; rssi?: number }>();

  constructor(src: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    for (const id of src.bttnIds()) {
      const s = src.initialStatus(id);
      this.devices.set(id, { online: s.online, bat: s.bat ?? undefined, rssi: s.rssi ?? undefined });
    }

    const countPress = tally(registers, "bttn_presses_total", "Events recorded for the first time (presses, heartbeats, not-pressed), by bttn and type", ["bttn", "type"]);
    const countOutcome = tally(registers, "bttn_press_outcomes_total", "Final outcomes told to bttns, by outcome and reason (reason none for ok)", ["outcome", "reason"]);
    const pressDuration = new Histogram({ name: "bttn_press_duration_seconds", help: "From the relay receiving a press to its final answer", buckets: ACTION_BUCKETS, registers });
    const actionDuration = new Histogram({ name: "bttn_action_duration_seconds", help: "One HTTP action run (redirects and a Digest retry included), by result (ok, or the failure reason)", labelNames: ["result"], buckets: ACTION_BUCKETS, registers });
    const pendings = new Counter({ name: "bttn_press_pending_answers_total", help: "Pending answers sent to bttns (slow or async actions)", registers });
    const commitTime = new Histogram({ name: "bttn_store_commit_duration_seconds", help: "One transaction of the store's batched writes (the writes of many presses)", buckets: COMMIT_BUCKETS, registers });
    const commitJobs = new Counter({ name: "bttn_store_commit_writes_total", help: "Writes committed (statements sharing the commits)", registers });

    this.stops.push(
      src.news.on("taken", (t) => countPress([t.bttn, t.type])),
      src.news.on("concluded", (c) => {
        countOutcome([c.outcome, c.reason ?? "none"]);
        if (c.durationMs !== undefined) pressDuration.observe(c.durationMs / 1000);
      }),
      src.news.on("ran", (r) => actionDuration.observe({ result: r.reason ?? "ok" }, r.durationMs / 1000)),
      src.news.on("pending", () => pendings.inc()),
      src.news.on("heard", (h) => {
        const d = this.devices.get(h.bttn) ?? { online: false };
        // A device that sent an event is online, whatever its last status said.
        d.online = h.online ?? (h.bat !== undefined || h.rssi !== undefined ? true : d.online);
        if (h.bat !== undefined) d.bat = h.bat;
        if (h.rssi !== undefined) d.rssi = h.rssi;
        this.devices.set(h.bttn, d);
      }),
    );
    src.store.onCommitted?.((ms, jobs) => {
      if (this.closed) return;
      commitTime.observe(ms / 1000);
      commitJobs.inc(jobs);
    });

    const devices = this.devices;
    const known = () => src.bttnIds().map((id) => [id, devices.get(id)] as const);
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    const perBttn = (name: string, help: string, read: (d: { online: boolean; bat?: number; rssi?: number }) => number | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ["bttn"],
        registers,
        collect() {
          this.reset();
          for (const [id, d] of known()) {
            const v = d && read(d);
            if (v !== undefined) this.set({ bttn: id }, v);
          }
        },
      });
    // Counts kept by the parts themselves, shown as counters: each scrape adds what is new.
    const counted = (name: string, help: string, read: () => number) => {
      let seen = 0;
      return new Counter({
        name,
        help,
        registers,
        collect() {
          const now = read();
          if (now > seen) this.inc(now - seen);
          seen = now;
        },
      });
    };

    gauge("bttn_bttns", "Bttns the relay knows", () => src.bttnIds().length);
    gauge("bttn_devices_online", "Bttns whose device is online (last status or event)", () => known().filter(([, d]) => d?.online).length);
    perBttn("bttn_device_online", "1 when the bttn's device is online", (d) => (d.online ? 1 : 0));
    perBttn("bttn_device_battery_volts", "The device's battery, as it last said (volts)", (d) => d.bat);
    perBttn("bttn_device_rssi_dbm", "The device's Wi-Fi signal, as it last said (dBm)", (d) => d.rssi);
    gauge("bttn_callbacks_waiting", "Async presses with an open callback URL (first request in flight, or waiting for the callback)", src.callbacksWaiting);
    gauge("bttn_presses_in_progress", "Presses taken from devices and not yet answered (backpressure counts these)", () => src.gate.size);
    gauge("bttn_presses_waiting_admission", "Presses held unacknowledged because the in-progress bound is reached", () => src.gate.waiting);
    gauge("bttn_presses_in_progress_limit", "The backpressure bound (relay.maxPressesInProgress)", () => src.gate.bound);
    gauge("bttn_presses_unanswered", "Presses of any origin (device, not-pressed, virtual) in the press path, not yet answered", src.unanswered);
    counted("bttn_press_gate_pauses_total", "Times the backpressure gate closed (the bound was reached)", () => src.gate.stats.pauses);
    gauge("bttn_store_writes_waiting", "Writes queued for the next commit (or kept while the database refuses writes)", () => src.store.health().pendingWrites);
    gauge("bttn_store_ok", "1 while the database takes writes", () => (src.store.health().ok ? 1 : 0));
    counted("bttn_store_commits_total", "Transactions committed", () => src.store.health().commits);
    counted("bttn_store_failed_commits_total", "Transactions the database refused", () => src.store.health().failedCommits);
    counted("bttn_store_dropped_writes_total", "Writes dropped while the database refused them (the oldest beyond the bound)", () => src.store.health().droppedWrites);
    gauge("bttn_broker_connected", "1 while the MQTT broker (embedded: listening; external: connected) is up", () => (src.brokerConnected() ? 1 : 0));
  }

  private closed = false;

  /** The text of a scrape and its content type. */
  async scrape(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  close(): void {
    this.closed = true;
    for (const stop of this.stops) stop();
    this.registry.clear();
  }
}
