// Home Assistant MQTT discovery (relay/src/ha/) against a real mosquitto: a client standing in for
// Home Assistant reads what the relay leaves retained and what it publishes live. Every discovery
// message is checked field by field against Home Assistant's documented schema, written below as
// tables from its docs (integrations/device_trigger.mqtt, sensor.mqtt, binary_sensor.mqtt, and the
// discovery section of integrations/mqtt): single component discovery, full option names.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import mqtt, { MqttClient } from "mqtt";
import { encodeStatus } from "@bttn/shared";
import { startMosquitto, Mosquitto } from "./support/mosquitto";
import { connectDevice } from "./support/device";
import { apiClient, eventually, firstStartToken } from "./support/api-client";
import { sleep, tempDir } from "./support/temp";
import { startRelay, Relay } from "../relay/src/relay";
import type { ConfigFileInput } from "../relay/src/config/schema";
import { ConfigError } from "../relay/src/config/file";
import { createLogger } from "../relay/src/log";
import { ECHO_WAIT_MS } from "../relay/src/ha/publisher";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

// ---- Home Assistant's schema, from its documentation ------------------------------------------

type Kind = "string" | "integer" | "boolean" | "list" | "map" | "number";
interface Field {
  required?: boolean;
  /** The documented type; [a, b]: either. */
  type: Kind | Kind[];
  /** The values the docs allow (or the frontend supports, for trigger types). */
  values?: readonly unknown[];
  /** A map's own fields, or a list's items' fields. */
  fields?: Record<string, Field>;
  /** Documented, but not allowed in a single component discovery message. */
  forbidden?: true;
}

/** `device` (the same keys for triggers, sensors and binary sensors). */
const DEVICE: Record<string, Field> = {
  configuration_url: { type: "string" },
  connections: { type: "list" },
  hw_version: { type: "string" },
  identifiers: { type: ["list", "string"] },
  manufacturer: { type: "string" },
  model: { type: "string" },
  model_id: { type: "string" },
  name: { type: "string" },
  serial_number: { type: "string" },
  suggested_area: { type: "string" },
  sw_version: { type: "string" },
  via_device: { type: "string" },
};
/** `origin` (integrations/mqtt, "Discovery payload"): recommended for single component discovery. */
const ORIGIN: Record<string, Field> = { name: { required: true, type: "string" }, sw_version: { type: "string" }, support_url: { type: "string" } };
const AVAILABILITY_ITEM: Record<string, Field> = {
  payload_available: { type: "string" },
  payload_not_available: { type: "string" },
  topic: { required: true, type: "string" },
  value_template: { type: "string" },
};
const TRIGGER_TYPES = ["button_short_press", "button_short_release", "button_long_press", "button_long_release", "button_double_press", "button_triple_press", "button_quadruple_press", "button_quintuple_press"];
const TRIGGER_SUBTYPES = ["turn_on", "turn_off", "button_1", "button_2", "button_3", "button_4", "button_5", "button_6"];

const DEVICE_TRIGGER: Record<string, Field> = {
  automation_type: { required: true, type: "string", values: ["trigger"] },
  payload: { type: "string" },
  platform: { type: "string", forbidden: true },
  qos: { type: "integer", values: [0, 1, 2] },
  topic: { required: true, type: "string" },
  type: { required: true, type: "string", values: TRIGGER_TYPES },
  subtype: { required: true, type: "string", values: TRIGGER_SUBTYPES },
  device: { required: true, type: "map", fields: DEVICE },
  value_template: { type: "string" },
  origin: { type: "map", fields: ORIGIN },
};

/** What sensors and binary sensors share. */
const ENTITY: Record<string, Field> = {
  availability: { type: "list", fields: AVAILABILITY_ITEM },
  availability_mode: { type: "string", values: ["all", "any", "latest"] },
  availability_template: { type: "string" },
  availability_topic: { type: "string" },
  device: { type: "map", fields: DEVICE },
  enabled_by_default: { type: "boolean" },
  encoding: { type: "string" },
  entity_category: { type: "string", values: ["diagnostic"] },
  entity_picture: { type: "string" },
  expire_after: { type: "integer" },
  force_update: { type: "boolean" },
  icon: { type: "string" },
  json_attributes_template: { type: "string" },
  json_attributes_topic: { type: "string" },
  name: { type: "string" },
  object_id: { type: "string" },
  payload_available: { type: "string" },
  payload_not_available: { type: "string" },
  platform: { type: "string", forbidden: true },
  qos: { type: "integer", values: [0, 1, 2] },
  state_topic: { required: true, type: "string" },
  unique_id: { type: "string" },
  value_template: { type: "string" },
  origin: { type: "map", fields: ORIGIN },
};
const SENSOR: Record<string, Field> = {
  ...ENTITY,
  device_class: { type: "string" },
  last_reset_value_template: { type: "string" },
  options: { type: "list" },
  suggested_display_precision: { type: "integer" },
  state_class: { type: "string", values: ["measurement", "measurement_angle", "total", "total_increasing"] },
  unit_of_measurement: { type: "string" },
};
/** Sensor device classes we may use, with the units Home Assistant accepts for each. */
const SENSOR_UNITS: Record<string, string[]> = { voltage: ["V", "mV", "µV", "kV", "MV"], signal_strength: ["dB", "dBm"], battery: ["%"] };
const BINARY_SENSOR: Record<string, Field> = {
  ...ENTITY,
  device_class: {
    type: "string",
    values: ["battery", "battery_charging", "carbon_monoxide", "cold", "connectivity", "door", "garage_door", "gas", "heat", "light", "lock", "moisture", "motion", "moving", "occupancy", "opening", "plug", "power", "presence", "problem", "running", "safety", "smoke", "sound", "tamper", "update", "vibration", "window"],
  },
  off_delay: { type: "integer" },
  payload_off: { type: "string" },
  payload_on: { type: "string" },
};
const SCHEMAS: Record<string, Record<string, Field>> = { device_automation: DEVICE_TRIGGER, sensor: SENSOR, binary_sensor: BINARY_SENSOR };

function kindOf(v: unknown): Kind {
  if (Array.isArray(v)) return "list";
  if (v !== null && typeof v === "object") return "map";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v as Kind;
}

/** Every problem of `value` against `schema`, each naming its path. */
function problems(value: Record<string, unknown>, schema: Record<string, Field>, path: string): string[] {
  const out: string[] = [];
  for (const [k, f] of Object.entries(schema)) if (f.required && !(k in value)) out.push(`${path}${k}: required, missing`);
  for (const [k, v] of Object.entries(value)) {
    const f = schema[k];
    const at = path + k;
    if (!f) {
      out.push(`${at}: not in the documented schema`);
      continue;
    }
    if (f.forbidden) out.push(`${at}: not allowed in single component discovery`);
    const kinds = Array.isArray(f.type) ? f.type : [f.type];
    if (!kinds.includes(kindOf(v))) out.push(`${at}: must be ${kinds.join(" or ")}, got ${kindOf(v)}`);
    if (f.values && !f.values.includes(v)) out.push(`${at}: ${JSON.stringify(v)} is not one of ${f.values.join(", ")}`);
    if (f.fields && kindOf(v) === "map") out.push(...problems(v as Record<string, unknown>, f.fields, at + "."));
    if (f.fields && kindOf(v) === "list") (v as unknown[]).forEach((item, i) => out.push(...(kindOf(item) === "map" ? problems(item as Record<string, unknown>, f.fields!, `${at}[${i}].`) : [`${at}[${i}]: must be a map`])));
  }
  return out;
}

/** The whole check of one discovery message: its topic's shape, the component's schema, and the rules the docs state in prose. */
function checkDiscovery(topic: string, payload: string): { component: string; node: string; object: string; config: Record<string, any> } {
  const m = /^homeassistant\/(device_automation|sensor|binary_sensor)\/([a-zA-Z0-9_-]+)\/([a-zA-Z0-9_-]+)\/config$/.exec(topic);
  assert.ok(m, "discovery topic <prefix>/<component>/<node_id>/<object_id>/config: " + topic);
  const config = JSON.parse(payload) as Record<string, any>;
  const found = problems(config, SCHEMAS[m![1]], "");
  const device = config.device as Record<string, unknown> | undefined;
  if (device && !device.identifiers && !device.connections) found.push("device: needs identifiers or connections");
  if (config.availability && config.availability_topic) found.push("availability and availability_topic must not be used together");
  if (m![1] === "sensor" && config.device_class) {
    const units = SENSOR_UNITS[config.device_class];
    if (!units) found.push("device_class " + config.device_class + ": not one this test knows the units of");
    else if (!units.includes(config.unit_of_measurement)) found.push(`unit_of_measurement ${config.unit_of_measurement} is not one of ${units.join(", ")} for ${config.device_class}`);
  }
  if (m![1] !== "device_automation" && device && !config.unique_id) found.push("device: only works when unique_id is set");
  assert.equal(found, [], topic);
  return { component: m![1], node: m![2], object: m![3], config };
}

// ---- The rig: mosquitto, the relay, a client for Home Assistant ------------------------------

const HA = { username: "homeassistant", password: "ha-pass-123" };
const RELAY = { username: "relay", password: "relay-pass-123" };
const KITCHEN = "kitchen-secret-1";
const HA_FILTERS = ["homeassistant/#", "bttn/+/ha/#", "bttn/.relay/#"];

interface Message {
  topic: string;
  payload: string;
  retain: boolean;
}

function haClient(port: number, password = HA.password, clientId = "ha-" + Math.random().toString(16).slice(2)): Promise<{ client: MqttClient; seen: Message[] }> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect({ host: "127.0.0.1", port, username: HA.username, password, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000, clientId });
    const seen: Message[] = [];
    client.on("message", (topic, payload, packet) => seen.push({ topic, payload: payload.toString(), retain: packet.retain }));
    client.on("error", (e) => {
      client.end(true);
      reject(e);
    });
    client.once("connect", () => client.subscribe(HA_FILTERS, { qos: 1 }, (err) => (err ? reject(err) : resolve({ client, seen }))));
  });
}

/** The error a promise is rejected with (fails when it resolves). */
async function refusal(p: Promise<{ client: MqttClient }>): Promise<Error> {
  const r = await p.then(
    (ok) => (ok.client.end(true), undefined),
    (e: Error) => e,
  );
  assert.ok(r, "refused");
  return r!;
}

/** What the broker keeps retained for Home Assistant now: a fresh subscriber's view, once it is quiet. */
async function retained(port: number, password?: string): Promise<Map<string, string>> {
  const { client, seen } = await haClient(port, password);
  let last = -1;
  for (let i = 0; i < 30 && seen.length !== last; i++) {
    last = seen.length;
    await sleep(100);
  }
  await client.endAsync();
  const out = new Map<string, string>();
  for (const m of seen) if (m.retain) out.set(m.topic, m.payload);
  return out;
}

/** The ACL the README's Home Assistant steps give mosquitto, by user: the test's broker uses exactly that. */
function readmeAcl(): Record<string, string[]> {
  const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## Home Assistant\n"));
  const block = /```\n((?:\s*(?:user|topic) .*\n|\s*\n)+)\s*```/.exec(section);
  assert.ok(block, "the README's Home Assistant section has an ACL block");
  const acl: Record<string, string[]> = {};
  let user = "";
  for (const line of block![1].split("\n").map((l) => l.trim()).filter(Boolean)) {
    if (line.startsWith("user ")) user = line.slice(5);
    else (acl[user] ??= []).push(line);
  }
  assert.equal(Object.keys(acl).sort(), [HA.username, RELAY.username].sort());
  assert.ok(acl.relay.includes("topic readwrite bttn/#"));
  acl.relay = acl.relay.filter((l) => l !== "topic readwrite bttn/#"); // the support's ACL gives it already
  return acl;
}

const CONFIG: ConfigFileInput = {
  relay: { haDiscovery: true },
  bttns: {
    kitchen: { name: "Kitchen", location: "Kitchen", secret: KITCHEN, actions: {} },
    porch: { name: "Porch", secret: "porch-secret-1", device: { double: false }, actions: {} },
    my_bttn: { secret: "my-bttn-secret-1", actions: {} },
  },
};

const t = suite<{ mosq: Mosquitto; relay: Relay; dir: ReturnType<typeof tempDir>; logs: string[]; start(config: ConfigFileInput): Promise<Relay> }>("home assistant discovery");

t.before(async (ctx) => {
  ctx.mosq = await startMosquitto({ [RELAY.username]: RELAY.password, [HA.username]: HA.password, kitchen: KITCHEN }, { acl: readmeAcl() });
  ctx.dir = tempDir("ha");
  ctx.logs = [];
  const log = createLogger("debug", (l) => ctx.logs.push(l));
  ctx.start = (config) => startRelay({ dataDir: ctx.dir.path, config, broker: ctx.mosq.url, brokerUsername: RELAY.username, brokerPassword: RELAY.password, httpPort: 0, host: "127.0.0.1", log });
  ctx.relay = await ctx.start(CONFIG);
});
t.after(async (ctx) => {
  await ctx.relay?.close();
  await ctx.mosq?.stop();
  ctx.dir?.remove();
});

const ENTITIES = ["pressed", "pressed_long", "pressed_double", "battery", "rssi", "online"];
const COMPONENT: Record<string, string> = { pressed: "device_automation", pressed_long: "device_automation", pressed_double: "device_automation", battery: "sensor", rssi: "sensor", online: "binary_sensor" };
const configTopic = (id: string, e: string) => `homeassistant/${COMPONENT[e]}/bttn/${id}_${e}/config`;

t("at start: every bttn's configs retained, each valid against the schema field by field, tied to one device per bttn", async ({ mosq }) => {
  const kept = await retained(mosq.port);
  const configs = [...kept].filter(([topic]) => topic.startsWith("homeassistant/"));
  const want = [...ENTITIES.map((e) => configTopic("kitchen", e)), ...ENTITIES.filter((e) => e !== "pressed_double").map((e) => configTopic("porch", e)), ...ENTITIES.map((e) => configTopic("my_bttn", e))];
  assert.equal(configs.map(([topic]) => topic).sort(), want.sort(), "a bttn with double presses off has no double trigger");
  const uniqueIds = new Set<string>();
  const triggersOf = new Map<string, Set<string>>();
  for (const [topic, payload] of configs) {
    const { component, node, object, config } = checkDiscovery(topic, payload);
    assert.is(node, "bttn", "node_id: the relay's topic prefix");
    const id = object.replace(/_(pressed_long|pressed_double|pressed|battery|rssi|online)$/, "");
    const name = { kitchen: "Kitchen", porch: "Porch", my_bttn: "my_bttn" }[id];
    assert.equal(config.device.identifiers, ["bttn_" + id], topic);
    assert.is(config.device.name, name, topic);
    assert.is(config.device.manufacturer, "bttn");
    assert.is(config.device.suggested_area, id === "kitchen" ? "Kitchen" : undefined, topic);
    assert.is(config.origin.name, "bttn-relay");
    assert.match(config.origin.sw_version, /^\d+\.\d+\.\d+/);
    if (component === "device_automation") {
      const press = { [id + "_pressed"]: "pressed", [id + "_pressed_long"]: "pressed-long", [id + "_pressed_double"]: "pressed-double" }[object];
      assert.is(config.automation_type, "trigger");
      assert.is(config.topic, `bttn/${id}/ha/action`);
      assert.is(config.payload, press);
      assert.is(config.type, { pressed: "button_short_press", "pressed-long": "button_long_press", "pressed-double": "button_double_press" }[press]);
      assert.is(config.subtype, "button_1");
      const seen = triggersOf.get(id) ?? new Set();
      assert.not.ok(seen.has(config.type + "/" + config.subtype), "type and subtype are unique per device");
      seen.add(config.type + "/" + config.subtype);
      triggersOf.set(id, seen);
    } else {
      assert.not.ok(uniqueIds.has(config.unique_id), "unique_id unique: " + config.unique_id);
      uniqueIds.add(config.unique_id);
      assert.is(config.unique_id, "bttn_" + object);
      assert.equal(config.availability, [{ topic: "bttn/.relay/availability", payload_available: "online", payload_not_available: "offline" }]);
      assert.is(config.entity_category, "diagnostic");
      const expect = {
        battery: { device_class: "voltage", unit_of_measurement: "V", state_topic: `bttn/${id}/ha/battery` },
        rssi: { device_class: "signal_strength", unit_of_measurement: "dBm", state_topic: `bttn/${id}/ha/rssi` },
        online: { device_class: "connectivity", payload_on: "ON", payload_off: "OFF", state_topic: `bttn/${id}/ha/online` },
      }[object.slice(id.length + 1)]!;
      for (const [k, v] of Object.entries(expect)) assert.is(config[k], v, topic + " " + k);
    }
  }
  assert.is(uniqueIds.size, 9);
  assert.is(kept.get("bttn/.relay/availability"), "online", "the relay is available (retained)");
  assert.is(kept.get("bttn/kitchen/ha/online"), "OFF", "a device not heard from is not connected");
});

t("a press shows on its trigger topic with the trigger's payload; battery, signal and online follow the device", async ({ mosq, relay }) => {
  const ha = await haClient(mosq.port);
  try {
    const d = await connectDevice({ port: mosq.port, id: "kitchen", secret: KITCHEN });
    const s1 = await d.press("pressed", { bat: 3.05, rssi: -61 });
    await d.result(s1);
    await d.result(await d.press("pressed-long", { bat: 3.05, rssi: -61 }));
    await d.result(await d.press("pressed-double"));
    await d.press("heartbeat"); // needs no answer (it has no action)
    await relay.pipeline.pressVirtually(relay.bttns.get("kitchen")!, "pressed").recorded; // the console's test press
    await d.result(await d.press("pressed"));
    const live = (topic: string) => ha.seen.filter((m) => m.topic === topic && !m.retain).map((m) => m.payload);
    await eventually(async () => live("bttn/kitchen/ha/action").length >= 4, 3000, "four trigger messages");
    await sleep(100);
    assert.equal(live("bttn/kitchen/ha/action"), ["pressed", "pressed-long", "pressed-double", "pressed"], "device presses only, each once, in order; not the heartbeat, not a virtual press");
    assert.equal(live("bttn/kitchen/ha/battery"), ["3.05"], "published when it changes, not with every press");
    assert.equal(live("bttn/kitchen/ha/rssi"), ["-61"]);
    assert.equal(live("bttn/kitchen/ha/online"), ["ON"]);
    const kept = await retained(mosq.port);
    assert.is(kept.get("bttn/kitchen/ha/battery"), "3.05", "states are retained");
    assert.not.ok(kept.has("bttn/kitchen/ha/action"), "presses are not retained");

    // The firmware version, once the device says it, goes into the device block.
    await d.raw("bttn/kitchen/status", encodeStatus({ v: 1, online: true, fw: "0.2.0" }));
    await eventually(async () => ha.seen.some((m) => m.topic === configTopic("kitchen", "battery") && JSON.parse(m.payload || "{}").device?.sw_version === "0.2.0"), 3000, "sw_version");
    for (const e of ENTITIES) checkDiscovery(configTopic("kitchen", e), (await retained(mosq.port)).get(configTopic("kitchen", e))!);

    // The device vanishes: its will says offline, and so does the connectivity sensor.
    d.client.stream.destroy();
    await eventually(async () => live("bttn/kitchen/ha/online").at(-1) === "OFF", 5000, "online OFF");
  } finally {
    await ha.client.endAsync();
  }
});

t("a bttn added through the API appears; removed, its configs and states are cleared with empty retained payloads", async ({ mosq, logs, relay }) => {
  const api = apiClient(() => relay.httpPort);
  const admin = firstStartToken(logs);
  const made = await api.call("POST", "/bttns", { bearer: admin, json: { id: "garage", name: "Garage" } });
  assert.is(made.status, 201, made.text);
  await eventually(async () => (await retained(mosq.port)).has(configTopic("garage", "pressed_double")), 3000, "garage configs");
  const kept = await retained(mosq.port);
  for (const e of ENTITIES) checkDiscovery(configTopic("garage", e), kept.get(configTopic("garage", e))!);

  const ha = await haClient(mosq.port);
  try {
    const gone = await api.call("DELETE", "/bttns/garage", { bearer: admin });
    assert.is(gone.status, 204, gone.text);
    const cleared = () => ha.seen.filter((m) => m.topic.includes("garage") && !m.retain);
    await eventually(async () => cleared().filter((m) => m.topic.startsWith("homeassistant/")).length === 6, 3000, "six empty configs");
    for (const m of cleared()) assert.is(m.payload, "", m.topic + " is cleared with an empty payload");
    assert.equal(cleared().filter((m) => m.topic.startsWith("homeassistant/")).map((m) => m.topic).sort(), ENTITIES.map((e) => configTopic("garage", e)).sort());
    const after = await retained(mosq.port);
    assert.equal([...after.keys()].filter((k) => k.includes("garage")), [], "nothing of garage is retained");
    assert.ok(after.has(configTopic("kitchen", "pressed")), "the others stay");
  } finally {
    await ha.client.endAsync();
  }
});

t("Home Assistant's birth message gets the configs published again", async ({ mosq }) => {
  const ha = await haClient(mosq.port);
  try {
    await sleep(200);
    const before = ha.seen.length;
    await ha.client.publishAsync("homeassistant/status", "online", { qos: 1 });
    await eventually(async () => ha.seen.slice(before).filter((m) => m.topic.startsWith("homeassistant/") && m.topic.endsWith("/config") && !m.retain).length >= 17, 3000, "17 configs again");
    for (const m of ha.seen.slice(before).filter((x) => x.topic.endsWith("/config") && x.payload)) checkDiscovery(m.topic, m.payload);
  } finally {
    await ha.client.endAsync();
  }
});

t("stopped, the relay is unavailable; a bttn removed while it was stopped is cleared at the next start", async (ctx) => {
  await ctx.relay.close();
  let kept = await retained(ctx.mosq.port);
  assert.is(kept.get("bttn/.relay/availability"), "offline");
  assert.ok(kept.has(configTopic("porch", "pressed")));
  const { porch: _gone, ...rest } = CONFIG.bttns!;
  ctx.relay = await ctx.start({ ...CONFIG, bttns: rest });
  await eventually(async () => !(await retained(ctx.mosq.port)).has(configTopic("porch", "pressed")), 3000, "porch cleared");
  kept = await retained(ctx.mosq.port);
  assert.equal([...kept.keys()].filter((k) => k.includes("porch")), [], "configs and states of porch are gone");
  assert.is(kept.get("bttn/.relay/availability"), "online");
  assert.ok(kept.has(configTopic("kitchen", "online")) && kept.has(configTopic("my_bttn", "online")));
});

t("the relay vanishing without a goodbye: its will makes it unavailable", async (ctx) => {
  const bus = ctx.relay.bus as unknown as { client: MqttClient };
  bus.client.stream.destroy();
  await eventually(async () => (await retained(ctx.mosq.port)).get("bttn/.relay/availability") === "offline", 5000, "will offline");
  await eventually(async () => (await retained(ctx.mosq.port)).get("bttn/.relay/availability") === "online", 5000, "online again after the reconnect");
});

t("discovery turned off: the subscriptions the broker kept in the relay's session bring nothing to the press path", async (ctx) => {
  await ctx.relay.close();
  const from = ctx.logs.length;
  ctx.relay = await ctx.start({ bttns: CONFIG.bttns });
  const ha = await haClient(ctx.mosq.port);
  try {
    await ha.client.publishAsync("homeassistant/status", "online", { qos: 1 }); // Home Assistant's birth, on a topic the session still has
    await eventually(async () => ctx.logs.slice(from).some((l) => l.includes("no longer watches")), 3000, "the ignored messages");
    assert.is(ctx.relay.pipeline.stats.rejected, 0, "none rejected");
    assert.not.ok(ctx.logs.slice(from).some((l) => l.includes("message rejected")));
    assert.not.ok(ctx.logs.slice(from).some((l) => l.includes("Home Assistant discovery published")), "discovery is off");
  } finally {
    await ha.client.endAsync();
  }
});

t("a broker that drops the relay's discovery messages (no rights) is said in the log; one that keeps them is not", async ({ logs }) => {
  assert.not.ok(logs.some((l) => l.includes("did not give the discovery configs back")), "the rig's broker keeps them");
  const mosq = await startMosquitto({ [RELAY.username]: RELAY.password }); // the relay may write bttn/# only
  const dir = tempDir("ha-noacl");
  const lines: string[] = [];
  const relay = await startRelay({ dataDir: dir.path, config: CONFIG, broker: mosq.url, brokerUsername: RELAY.username, brokerPassword: RELAY.password, httpPort: 0, host: "127.0.0.1", log: createLogger("info", (l) => lines.push(l)) });
  try {
    await eventually(async () => lines.some((l) => l.includes("did not give the discovery configs back")), ECHO_WAIT_MS + 3000, "the warning");
    const line = lines.find((l) => l.includes("did not give the discovery configs back"))!;
    assert.match(line, /^.*warn.*read and write homeassistant\/# \(README: Home Assistant\)/);
  } finally {
    await relay.close();
    await mosq.stop();
    dir.remove();
  }
});

t("with the embedded broker and no password for Home Assistant, --ha-discovery is refused before anything is made, saying what to do", async () => {
  const dir = tempDir("ha-embedded");
  const data = join(dir.path, "data");
  try {
    for (const o of [{ config: { relay: { haDiscovery: true } } }, { config: {}, haDiscovery: true }, { config: { relay: { haDiscovery: { prefix: "ha" } } } }]) {
      const e = await startRelay({ dataDir: data, mqttPort: 0, httpPort: 0, host: "127.0.0.1", logLevel: "silent", ...o }).catch((x: unknown) => x);
      assert.instance(e, ConfigError);
      assert.match((e as Error).message, /with the embedded broker needs a login for Home Assistant: set "relay": \{"haDiscovery": \{"password": "<16\+ characters>"\}\}.* or use an external broker that Home Assistant also uses \(--broker mqtt:\/\/host:1883\)/);
      assert.not.ok(existsSync(data), "no data directory made");
    }
    const bad: Array<[unknown, RegExp]> = [
      [{ prefix: "home assistant" }, /relay\.haDiscovery\.prefix: must be an MQTT topic prefix/],
      [{ password: "short" }, /relay\.haDiscovery\.password: must be at least 16 characters/],
      [{ username: "home assistant", password: "x".repeat(16) }, /relay\.haDiscovery\.username: must be 1-64 printable/],
      [{ pasword: "x".repeat(16) }, /relay\.haDiscovery/],
    ];
    for (const [haDiscovery, why] of bad) {
      const e = await startRelay({ dataDir: data, config: { relay: { haDiscovery } } as ConfigFileInput, mqttPort: 0, httpPort: 0, logLevel: "silent" }).catch((x: unknown) => x);
      assert.instance(e, ConfigError);
      assert.match((e as Error).message, why);
    }
    const clash = await startRelay({ dataDir: data, config: { relay: { haDiscovery: { password: "x".repeat(16) } }, bttns: { homeassistant: { secret: "a-secret-123" } } }, mqttPort: 0, httpPort: 0, logLevel: "silent" }).catch((x: unknown) => x);
    assert.match((clash as Error).message, /relay\.haDiscovery\.username: "homeassistant" is also a bttn id/);
    assert.not.ok(existsSync(data), "no data directory made");
  } finally {
    dir.remove();
  }
});

const HA_EMBEDDED_PASSWORD = "ha-embedded-pass-1234";

t("with the embedded broker and a password, Home Assistant logs in to the relay's own broker and reads only what discovery publishes", async () => {
  const dir = tempDir("ha-embedded");
  const lines: string[] = [];
  const config: ConfigFileInput = { relay: { haDiscovery: { password: HA_EMBEDDED_PASSWORD } }, bttns: { kitchen: CONFIG.bttns!.kitchen, porch: CONFIG.bttns!.porch } };
  const start = (c: ConfigFileInput, port = 0) => startRelay({ dataDir: dir.path, config: c, mqttPort: port, httpPort: 0, host: "127.0.0.1", log: createLogger("debug", (l) => lines.push(l)) });
  let relay = await start(config);
  try {
    const port = relay.mqttPort;
    // Refused: a wrong password, and a client id that is a bttn's (it would take over its session).
    assert.match((await refusal(haClient(port, "wrong-password-123456"))).message, /bad user ?name or password/i);
    assert.match((await refusal(haClient(port, HA_EMBEDDED_PASSWORD, "kitchen"))).message, /identifier rejected/i);
    assert.match((await refusal(haClient(port, HA_EMBEDDED_PASSWORD, "kitchen.ha"))).message, /identifier rejected/i);

    const kept = await retained(port, HA_EMBEDDED_PASSWORD);
    const configs = [...kept].filter(([topic]) => topic.startsWith("homeassistant/"));
    assert.is(configs.length, 11, "kitchen's six and porch's five");
    for (const [topic, payload] of configs) checkDiscovery(topic, payload);
    assert.is(kept.get("bttn/.relay/availability"), "online");

    const ha = await haClient(port, HA_EMBEDDED_PASSWORD);
    try {
      // Only discovery's topics: the bttns' own are refused (SUBACK 128), whatever the filter.
      // mqtt.js rejects a subscription the broker refused (SUBACK 0x80).
      const granted = (filter: string) => ha.client.subscribeAsync(filter, { qos: 1 }).then(
        (g) => g[0].qos,
        (e: Error) => (/Subscribe error/.test(e.message) ? 128 : Promise.reject(e)),
      );
      for (const filter of ["#", "bttn/#", "bttn/+/event", "bttn/kitchen/result", "+/+/ha/#", "$SYS/#"]) assert.is(await granted(filter), 128, filter);
      for (const filter of ["homeassistant/+/+/+/config", "bttn/kitchen/ha/battery", "bttn/.relay/availability"]) assert.is(await granted(filter), 1, filter);
      const d = await connectDevice({ port, id: "kitchen", secret: KITCHEN });
      await d.result(await d.press("pressed", { bat: 2.9, rssi: -70 }));
      await eventually(async () => ha.seen.some((m) => m.topic === "bttn/kitchen/ha/action" && m.payload === "pressed"), 3000, "the trigger");
      await eventually(async () => ha.seen.some((m) => m.topic === "bttn/kitchen/ha/battery" && m.payload === "2.9"), 3000, "the battery (retained, from the same press as the trigger)");
      assert.not.ok(ha.seen.some((m) => /\/(event|result|config|status)$/.test(m.topic) && m.topic.startsWith("bttn/")), "nothing of the bttns' own topics");
      // Publishing as a bttn is refused: the press never reaches the relay.
      const before = relay.pipeline.stats.events;
      await ha.client.publishAsync("bttn/kitchen/event", JSON.stringify({ v: 1, boot: "abcd1234", seq: 1, type: "pressed", age: 0 }), { qos: 0 }).catch(() => {});
      await sleep(300);
      assert.is(relay.pipeline.stats.events, before, "not taken");
      assert.ok(lines.some((l) => l.includes("mqtt publish refused") && l.includes("only its birth message")));
      await d.close();
    } finally {
      await ha.client.endAsync().catch(() => {});
    }

    // Stopped, porch removed, started again: Home Assistant, connecting anew, hears porch go at its birth.
    await relay.close();
    relay = await start({ ...config, bttns: { kitchen: CONFIG.bttns!.kitchen } }, port);
    const again = await haClient(relay.mqttPort, HA_EMBEDDED_PASSWORD);
    try {
      await again.client.publishAsync("homeassistant/status", "online", { qos: 1 });
      await eventually(async () => again.seen.filter((m) => m.topic.includes("/bttn/porch_") && m.payload === "").length === 6, 3000, "porch's six configs cleared");
      assert.ok(again.seen.some((m) => m.topic === configTopic("kitchen", "pressed") && m.payload), "kitchen's are published again");
      assert.equal(JSON.parse(readFileSync(join(dir.path, "ha-discovery.json"), "utf8")), { bttns: ["kitchen"] });
    } finally {
      await again.client.endAsync().catch(() => {});
    }
  } finally {
    await relay.close();
    dir.remove();
  }
});

t.run();
