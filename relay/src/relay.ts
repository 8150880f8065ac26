// Wires one relay: store → bus (embedded broker or external) → pipeline → HTTP server. `startRelay`
// is what the CLI runs and what tests and benchmarks start in-process.
import { Hono } from "hono";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_PREFIX, encodeDeviceConfig, topicFor } from "@bttn/shared";
import type { Bus } from "./bus/bus";
import { DEVICE_ADDRESS_FILE, writeDeviceAddress } from "./bus/device-address-file";
import { EmbeddedBus } from "./bus/embedded";
import { ExternalBus } from "./bus/external";
import { ConfigError } from "./config/file";
import { ConfigFile, ConfigFileInput, configFileSchema, formatIssues } from "./config/schema";
import { ActionEngine } from "./engine/engine";
import { withActionLayers } from "./engine/layers";
import { Transport, TransportOptions } from "./engine/transport";
import { clientAddress, startHttpServer } from "./http/server";
import { mountHealth } from "./http/health";
import { createLogger, Logger, LogLevel } from "./log";
import { Pipeline } from "./press/pipeline";
import { RelayNews } from "./news";
import { Inspector } from "./inspector/inspector";
import type { Bttn } from "./store/bttns";
import type { BttnRepo, EventRepo, HookRepo, KeyRepo, Store } from "./store/store";
import { openStore } from "./store/open";
import type { DeviceStatus } from "./store/status";
import { GroupMembership } from "./store/membership";
import { CallbackManager } from "./callbacks/manager";
import { mountCallbacks } from "./callbacks/route";
import { Bins } from "./bins/bins";
import { mountBins } from "./bins/route";
import { LiveStreams } from "./live/streams";
import { tellBttnChanges, tellLive } from "./live/events";
import { GroupLive } from "./live/group-live";
import { guessLanAddress } from "./lan-address";
import { mountApi } from "./api";
import { ensureAdminToken } from "./api/admin-token";
import { mountConsole } from "./console/serve";
import { readCaFile, readTlsFiles, TlsFiles, TlsPem } from "./tls-files";
import type { MqttLimits } from "./bus/mqtt-limits";
import type { LoginThrottleOptions } from "./bus/login-throttle";
import { PressGate } from "./limits/press-gate";
import { checkPortFree } from "./listen";
import { StartedParts } from "./started-parts";
import { NotPressedWatch } from "./schedule/not-pressed";
import { Clock, systemClock } from "./schedule/clock";
import { RelayMetrics } from "./metrics/metrics";
import { mountMetrics } from "./metrics/route";
import type { MetricsAccess } from "./metrics/access";
import { HaDiscovery } from "./ha/publisher";
import { rememberedIn } from "./ha/remembered";
import { HaUser } from "./bus/ha-user";
import { AVAILABLE, availabilityTopic, DEFAULT_DISCOVERY_PREFIX, NOT_AVAILABLE } from "./ha/topics";
import { version as VERSION } from "../../package.json";

export interface RelayOptions {
  dataDir: string;
  /** Parsed config file (already validated) or a raw object of the same shape (validated here). */
  config?: ConfigFile | ConfigFileInput;
  /** Where the config came from, for messages. */
  configSource?: string;
  /** External broker URL; without it the embedded broker runs. */
  broker?: string;
  brokerUsername?: string;
  brokerPassword?: string;
  /** PEM file of the CA that signed an mqtts:// broker's certificate (when it is not a public one). */
  brokerCa?: string;
  /** Embedded broker's plain MQTT port (default 1883); "off": none (then TLS must be set). */
  mqttPort?: number | "off";
  /** Embedded broker's mqtts port when TLS is set (default 8883). */
  mqttsPort?: number;
  httpPort?: number;
  /** The relay's certificate and key files: mqtts and HTTPS. Overrides the config file's `relay.tls`. */
  tls?: TlsFiles;
  /** Address to listen on (both servers); default all interfaces. */
  host?: string;
  logLevel?: LogLevel;
  log?: Logger;
  /** Base URL where webhook servers reach this relay (async callbacks); overrides the config file's. */
  publicUrl?: string;
  /** How webhook host names resolve (default: the system resolver); tests bring their own DNS. */
  lookup?: TransportOptions["lookup"];
  /** The embedded broker's bounds on connections and packets (defaults in bus/mqtt-limits.ts); tests set small ones. */
  mqttLimits?: Partial<MqttLimits>;
  /** The embedded broker's lockout after failed logins (defaults in bus/login-throttle.ts). */
  loginThrottle?: Partial<LoginThrottleOptions>;
  /** Backpressure bound; overrides the config file's `relay.maxPressesInProgress`. */
  maxPressesInProgress?: number;
  /** How long POST /api/v1/bttns/{id}/press waits for the outcome (default 15 s); tests shorten it. */
  pressAnswerWaitMs?: number;
  /** The not-pressed watch's time (default: the system's); tests move it by hand. */
  clock?: Clock;
  /** Who may read GET /metrics; overrides the config file's `relay.metrics` (--metrics-open: "open"). */
  metrics?: MetricsAccess;
  /** Home Assistant MQTT discovery (--ha-discovery); true turns on the config file's `relay.haDiscovery` (its prefix kept). */
  haDiscovery?: boolean;
  /**
   * Where the relay keeps its state: default the SQLite file in the data directory; a
   * postgres:// URL for a database shared by a group of relays (scaling out, README).
   */
  store?: string;
  /**
   * With an external broker: the shared-subscription group this relay's presses come through
   * (`$share/<group>/...`), so each press goes to one relay of the group.
   */
  shareGroup?: string;
  /** A group's heartbeat and how long a silent member is taken for gone (store/membership.ts); tests shorten them. */
  groupTiming?: { beatMs: number; deadAfterMs: number };
}

/** Home Assistant discovery's settings when it is on: the discovery prefix, and Home Assistant's login on the embedded broker. */
function haDiscoverySettings(opts: RelayOptions, config: ConfigFile): { prefix: string; username: string; password?: string } | undefined {
  const c = config.relay.haDiscovery;
  if (!opts.haDiscovery && !c) return undefined;
  return typeof c === "object" ? c : { prefix: DEFAULT_DISCOVERY_PREFIX, username: "homeassistant" };
}

export interface Relay {
  mqttPort: number;
  /** 0 without TLS. */
  mqttsPort: number;
  httpPort: number;
  /** Everything the relay keeps (SQLite, or PostgreSQL shared by a group). */
  store: Store;
  bttns: BttnRepo;
  events: EventRepo;
  pipeline: Pipeline;
  /** Backpressure: presses in progress and their bound. */
  gate: PressGate;
  bus: Bus;
  app: Hono;
  log: Logger;
  keys: KeyRepo;
  hooks: HookRepo;
  /** What happens to presses and devices, for live views and metrics. */
  news: RelayNews;
  /** The last action runs with their requests and answers (masked when read). */
  inspector: Inspector;
  close(): Promise<void>;
}

/** A bttn never heard from. */
const OFFLINE: DeviceStatus = { online: false, fw: null, bat: null, rssi: null, lastHeard: null };

/** How often the relay checks for bttns changed by another process (the CLI): an old session goes within a second. */
const BTTN_WATCH_MS = 500;

/** Extra time on top of the slowest action's timeout, for recording and answering. */
export const DRAIN_GRACE_MS = 2000;

/**
 * How long a shutdown waits for the presses in progress: every action is bounded by its own
 * timeout (redirects and a Digest retry included), so the slowest configured one bounds them all.
 */
function drainBoundMs(bttns: Bttn[]): number {
  let max = 0;
  for (const b of bttns) for (const a of Object.values(b.actions)) if (a) max = Math.max(max, a.http.timeout);
  return max + DRAIN_GRACE_MS;
}

/** A stable MQTT client id per data dir, so an external broker keeps our session across restarts. */
function relayClientId(dataDir: string): string {
  const file = join(dataDir, "client-id");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const id = "bttn-relay-" + randomBytes(6).toString("hex");
  writeFileSync(file, id + "\n");
  return id;
}

export async function startRelay(opts: RelayOptions): Promise<Relay> {
  const log = opts.log ?? createLogger(opts.logLevel ?? "info");
  const startedAt = Date.now();
  const parsed = configFileSchema.safeParse(opts.config ?? {});
  if (!parsed.success) throw new ConfigError((opts.configSource ?? "config") + ": " + formatIssues(parsed.error));
  const config = parsed.data;
  const tlsFiles = opts.tls ?? config.relay.tls;
  const tls = tlsFiles ? readTlsFiles(tlsFiles) : undefined;
  if (opts.mqttPort === "off" && !tls && !opts.broker) throw new ConfigError("--mqtt-port off needs --tls-cert and --tls-key (or relay.tls in the config): the embedded broker would have no listener");
  const ha = haDiscoverySettings(opts, config);
  if (ha && !opts.broker && !ha.password)
    throw new ConfigError(
      '--ha-discovery (relay.haDiscovery) with the embedded broker needs a login for Home Assistant: set "relay": {"haDiscovery": {"password": "<16+ characters>"}} in the config file (Home Assistant then logs in to this relay\'s broker as user "homeassistant"), or use an external broker that Home Assistant also uses (--broker mqtt://host:1883). README: Home Assistant',
    );
  if (ha && opts.broker && ha.password) log.warn("relay.haDiscovery.password is for the embedded broker; with --broker, Home Assistant logs in to that broker (the password is not used)");
  if (ha && !opts.broker && config.bttns[ha.username]) throw new ConfigError(`relay.haDiscovery.username: "${ha.username}" is also a bttn id in the config; choose another user name for Home Assistant`);
  const brokerCa = opts.brokerCa ? readCaFile(opts.brokerCa, "broker CA") : undefined;
  if (tls && tls.validTo.getTime() < Date.now()) log.warn("the TLS certificate has expired: clients will refuse it", { cert: tlsFiles!.cert, validTo: tls.validTo.toISOString() });

  // A port in use fails the start here, before the data directory is touched: a first start that
  // cannot run must not leave an empty database (or a printed admin token nobody can use) behind.
  if (!opts.broker && opts.mqttPort !== "off") await checkPortFree(opts.mqttPort ?? 1883, opts.host);
  if (!opts.broker && tls) await checkPortFree(opts.mqttsPort ?? 8883, opts.host);
  await checkPortFree(opts.httpPort ?? 8080, opts.host);

  // Every part that starts is added here; a failure anywhere below closes those started, in reverse.
  const parts = new StartedParts(log);
  try {
    return await startParts(opts, config, tls, brokerCa, log, startedAt, parts);
  } catch (e) {
    await parts.closeAll();
    throw e;
  }
}

async function startParts(opts: RelayOptions, config: ConfigFile, tls: TlsPem | undefined, brokerCa: string | undefined, log: Logger, startedAt: number, parts: StartedParts): Promise<Relay> {
  const prefix = config.relay.prefix ?? DEFAULT_PREFIX;
  // A relay of a group is named by its data directory's client id: restarted, it is the same member.
  if (opts.store) mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 }); // its client id and device address live there
  const memberId = opts.store ? relayClientId(opts.dataDir) : undefined;
  const relayId = memberId ?? "relay";
  const store = await openStore({ dataDir: opts.dataDir, url: opts.store, relayId, log, running: true });
  parts.add("the store", async () => {
    await store.close();
    log.debug("store closed", { ...store.health() });
  });
  if (store.kind === "postgres") log.info("store: PostgreSQL, shared by the relays of a group", { database: store.where, relay: relayId, shareGroup: opts.shareGroup });
  const { bttns, events, status, keys, hooks } = store;
  const sync = await bttns.applyConfigFile(config);
  if (sync.added.length + sync.updated.length + sync.removed.length) log.info("config applied", { source: opts.configSource, ...sync });
  const interrupted = await events.closeInterrupted();
  if (interrupted) log.warn("events interrupted by the last shutdown were closed as failed (not re-fired)", { count: interrupted });

  const ha = haDiscoverySettings(opts, config);
  const discoveryPrefix = ha?.prefix;
  if (ha?.password && !opts.broker && bttns.get(ha.username))
    log.warn("a bttn has Home Assistant's user name on the embedded broker: it cannot log in while Home Assistant discovery is on; rename it or set relay.haDiscovery.username", { bttn: ha.username });
  const gate = new PressGate(opts.maxPressesInProgress ?? config.relay.maxPressesInProgress, log);
  const external = opts.broker
    ? new ExternalBus({
        url: opts.broker,
        username: opts.brokerUsername,
        password: opts.brokerPassword,
        ca: brokerCa,
        clientId: memberId ?? relayClientId(opts.dataDir),
        prefix,
        shareGroup: opts.shareGroup,
        log,
        gate,
        availability: discoveryPrefix ? { topic: availabilityTopic(prefix), online: AVAILABLE, offline: NOT_AVAILABLE } : undefined,
      })
    : undefined;
  const bus: Bus = external
    ? external
    : new EmbeddedBus({
        port: opts.mqttPort ?? 1883,
        tls: tls && { port: opts.mqttsPort ?? 8883, pem: tls },
        host: opts.host,
        prefix,
        bttns,
        log,
        gate,
        limits: opts.mqttLimits,
        loginThrottle: opts.loginThrottle,
        haUser: ha?.password ? new HaUser({ username: ha.username, password: ha.password, discoveryPrefix: ha.prefix, prefix }) : undefined,
      });

  const engine = withActionLayers(new ActionEngine({ transport: new Transport({ lookup: opts.lookup }), log, timeZone: config.relay.timeZone }));
  parts.add("the action engine", () => engine.close());
  let httpPort = 0;
  const publicUrl = () => opts.publicUrl ?? config.relay.publicUrl ?? `${tls ? "https" : "http"}://${opts.host && opts.host !== "0.0.0.0" && opts.host !== "::" ? opts.host : guessLanAddress()}:${httpPort}`;
  const callbacks = new CallbackManager(store.callbacks, publicUrl, log);
  const news = new RelayNews(log);
  const inspector = new Inspector(news, config.relay.inspector);
  parts.add("the request inspector", () => inspector.close());
  const pipeline = new Pipeline({
    prefix,
    bus,
    bttns,
    events,
    status,
    hooks,
    shared: store.kind === "postgres",
    engine,
    callbacks,
    log,
    news,
    staleAfterMs: config.relay.staleAfterS * 1000,
    rateLimit: config.relay.rateLimit === "off" ? undefined : config.relay.rateLimit,
  });

  // Before the bus starts: the metrics count from the first press on, and start from the devices' last known state.
  const statusAtStart = new Map<string, DeviceStatus>();
  for (const b of bttns.list()) statusAtStart.set(b.id, await status.get(b.id));
  const metrics = new RelayMetrics({
    news,
    bttnIds: () => bttns.list().map((b) => b.id),
    initialStatus: (id) => statusAtStart.get(id) ?? OFFLINE,
    gate,
    unanswered: () => pipeline.pending,
    callbacksWaiting: () => callbacks.size,
    store,
    brokerConnected: () => bus.connected(),
  });
  parts.add("the metrics", () => metrics.close());

  const publishDeviceConfig = (id: string) => {
    const b = bttns.get(id);
    // Retained: a device gets its settings at every (re)connect. An empty retained payload clears it.
    bus.publish(topicFor(prefix, id, "config"), b ? encodeDeviceConfig({ v: 1, ...b.device }) : "", true);
  };
  bttns.onChange((changed) => {
    for (const c of changed) {
      publishDeviceConfig(c.id);
      // A changed secret or a removed bttn must not keep an old session alive.
      if (c.what === "secret" || c.what === "removed") bus.disconnectBttn(c.id);
    }
  });

  await bus.start(pipeline.onMessage); // a failed start closes what it had opened itself
  parts.add("the MQTT " + (bus.mode === "embedded" ? "broker" : "connection"), () => bus.close());
  try {
    writeDeviceAddress(opts.dataDir, bus.deviceAddress(), bus.mode, startedAt); // for the CLI's device files
  } catch (e) {
    log.warn("could not record the device address for the CLI's device files", { file: DEVICE_ADDRESS_FILE, error: e as Error });
  }
  for (const b of bttns.list()) publishDeviceConfig(b.id);
  let closing: Promise<void> | undefined; // set once the relay starts to stop
  if (discoveryPrefix) {
    const haBus = external ?? (bus as EmbeddedBus);
    // The external bus says it at every connect, with a will; the embedded broker is the relay itself.
    if (!external) bus.publish(availabilityTopic(prefix), AVAILABLE, true);
    // A group shares one availability topic: a member that dies leaves its will ("offline") there
    // while the others still serve, so each member that is up says "online" again at once.
    if (external && opts.shareGroup)
      external.watch(availabilityTopic(prefix), (_topic, payload) => {
        if (payload.toString() === NOT_AVAILABLE && !closing) external.publish(availabilityTopic(prefix), AVAILABLE, true);
      });
    const discovery = new HaDiscovery({ bus: haBus, bttns, status: { get: (id) => statusAtStart.get(id) ?? OFFLINE }, news, prefix, discoveryPrefix, version: VERSION, log, remembered: rememberedIn(opts.dataDir) });
    discovery.start();
    parts.add("Home Assistant discovery", () => discovery.close());
  }
  // The CLI writes from another process: notice it without waiting for traffic (reads are pure).
  const stopWatch = bttns.watch(BTTN_WATCH_MS, (err) => log.error("could not check the database for changed bttns; trying again", { error: err }));
  parts.add("the bttn watch", stopWatch);
  const restored = await pipeline.resumeWaits();
  callbacks.startSweeping();
  parts.add("the async callbacks", () => callbacks.close()); // waiting presses stay in the store; the next start waits on
  if (restored) log.info("still waiting for async callbacks from before the restart", { count: restored });
  if (store.kind === "postgres") {
    // Stopped after the presses in progress are finished: until then the group must not take them for orphans.
    const membership = new GroupMembership({ store, log, closeOrphans: (orphans) => pipeline.closeOrphans(orphans), ...opts.groupTiming });
    await membership.start();
    parts.add("the group membership", async () => {
      await membership.stop();
      if (!pipeline.pending) await store.relays.forget(relayId).catch(() => undefined); // a clean goodbye
    });
  }
  // At shutdown, after the HTTP server closed: the presses taken are finished and answered while
  // the broker is still up for their results, but no longer than the slowest action's timeout allows.
  parts.add("the presses in progress", async () => {
    gate.close(); // done already at shutdown; after a failed start, nothing new is taken either
    const boundMs = drainBoundMs(bttns.list());
    const drained = await Promise.race([
      Promise.all([gate.idle(), pipeline.drain()]).then(() => true),
      new Promise<false>((res) => setTimeout(() => res(false), boundMs).unref()),
    ]);
    if (!drained) log.warn("presses still in progress at the shutdown bound: the next start closes them as failed, not re-fired", { count: gate.size, boundMs });
  });

  const app = new Hono();
  mountConsole(app, log); // the web console's page at `/`: a client of the API below
  mountHealth(app, bus, pipeline, startedAt, () => bttns.list().length, () => store.health(), gate);
  mountCallbacks(app, callbacks, log);
  const bins = new Bins();
  mountBins(app, bins, log);
  const group = store.broadcast && new GroupLive(store.broadcast, news, relayId, log);
  if (group) {
    group.start();
    parts.add("the group's live view", () => group.close());
  }
  const live = new LiveStreams((send) => tellLive({ news, inspector, bins, group }, send));
  tellBttnChanges(bttns, (event, data) => live.send(event, data));
  mountApi(app, { bttns, events, status, keys, hooks, log, mqtt: bus.deviceAddress(), clientAddress, inspector, pipeline, news, pressAnswerWaitMs: opts.pressAnswerWaitMs, bins, publicUrl, live, engine });
  mountMetrics(app, metrics, opts.metrics ?? config.relay.metrics, { keys, log, clientAddress });
  const http = await startHttpServer(app, opts.httpPort ?? 8080, opts.host, { tls, log });
  parts.add("the HTTP server", () => http.close());
  // Closed before the HTTP server: a watching console must not hold the shutdown open.
  parts.add("the live streams", () => live.closeAll());
  httpPort = http.port;
  const notPressed = new NotPressedWatch({
    bttns: () => bttns.list(),
    store: store.notPressed,
    fire: (b, window, now) => pipeline.notPressed(b, window.end, now),
    clock: opts.clock ?? systemClock,
    log,
    timeZone: config.relay.timeZone,
  });
  await notPressed.start(); // windows that ended while the relay was down
  parts.add("the not-pressed watch", () => notPressed.stop());
  // Last: only a relay that runs shows its first admin token (one printed by a failed start would
  // be the only one, and lost).
  await ensureAdminToken(keys, log);
  const { mqtt: mqttPort, mqtts: mqttsPort } = bus.deviceAddress().listening;
  log.info("relay started", { broker: bus.mode, mqttPort: mqttPort || undefined, mqttsPort: mqttsPort || undefined, [http.secure ? "httpsPort" : "httpPort"]: http.port, bttns: bttns.list().length, data: opts.dataDir });

  const close = () =>
    (closing ??= (async () => {
      // A member of a group leaves it first: the group's other members take the next presses.
      await external?.leaveGroup();
      // New presses stop here, at once: they stay unacknowledged, so devices send them again to the
      // next relay (QoS 1). The rest closes in reverse order of starting (the HTTP server first,
      // then the presses in progress are finished, then the broker, ..., the database last).
      gate.close();
      log.info("shutting down: new presses are left unacknowledged; finishing those in progress", { count: gate.size, boundMs: drainBoundMs(bttns.list()) });
      await parts.closeAll();
      log.info("relay stopped");
      log.flush();
    })());

  return { mqttPort, mqttsPort, httpPort: http.port, store, bttns, events, pipeline, gate, bus, app, log, keys, hooks, news, inspector, close };
}
