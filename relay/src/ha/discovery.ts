// The discovery configs of one bttn, as Home Assistant's MQTT discovery documents them (single
// component discovery, full option names): a device with three device triggers (short, long and
// double press of "button_1"), two diagnostic sensors (battery in volts, Wi-Fi signal in dBm) and a
// connectivity binary sensor. The entities are available while the relay is (its availability
// topic, with a will); the device triggers have no availability in Home Assistant's schema.
import type { Bttn } from "../store/bttns";
import { AVAILABLE, availabilityTopic, configTopic, Entity, ENTITY_NAMES, NOT_AVAILABLE, stateTopic, TRIGGERS, TriggerPress } from "./topics";

export interface DiscoveryContext {
  discoveryPrefix: string;
  /** The relay's MQTT topic prefix (node_id of every config). */
  prefix: string;
  /** The relay's version, for the origin block. */
  version: string;
  /** The device's firmware version, when it said it. */
  fw?: string;
}

export interface DiscoveryMessage {
  topic: string;
  /** JSON, or "" to remove the entity (retained either way). */
  payload: string;
}

/** Home Assistant's `device` block: the same identifiers tie every entity of a bttn to one device. */
function device(b: Bttn, c: DiscoveryContext): Record<string, unknown> {
  return {
    identifiers: [`${c.prefix}_${b.id}`],
    name: b.props.name || b.id,
    manufacturer: "bttn",
    model: "bttn (ESP32, Espruino)",
    ...(c.fw ? { sw_version: c.fw } : {}),
    ...(b.props.location ? { suggested_area: b.props.location } : {}),
  };
}

/** Who published it (Home Assistant logs it when it discovers an entity). */
const origin = (c: DiscoveryContext) => ({ name: "bttn-relay", sw_version: c.version });

function trigger(b: Bttn, c: DiscoveryContext, press: TriggerPress): Record<string, unknown> {
  return {
    automation_type: "trigger",
    type: TRIGGERS[press].type,
    subtype: "button_1",
    topic: stateTopic(c.prefix, b.id, "action"),
    payload: press,
    qos: 1,
    device: device(b, c),
    origin: origin(c),
  };
}

/** What every entity (not the triggers) shares: its id, the device, and the relay's availability. */
function entity(b: Bttn, c: DiscoveryContext, e: Entity, name: string, state: "battery" | "rssi" | "online"): Record<string, unknown> {
  return {
    name,
    unique_id: `${c.prefix}_${b.id}_${e}`,
    state_topic: stateTopic(c.prefix, b.id, state),
    availability: [{ topic: availabilityTopic(c.prefix), payload_available: AVAILABLE, payload_not_available: NOT_AVAILABLE }],
    entity_category: "diagnostic",
    qos: 1,
    device: device(b, c),
    origin: origin(c),
  };
}

function payloadOf(b: Bttn, c: DiscoveryContext, e: Entity): Record<string, unknown> | undefined {
  switch (e) {
    case "pressed":
      return trigger(b, c, "pressed");
    case "pressed_long":
      return trigger(b, c, "pressed-long");
    case "pressed_double":
      // A bttn told not to detect double presses sends two short ones instead: no such trigger.
      return b.device.double === false ? undefined : trigger(b, c, "pressed-double");
    case "battery":
      return { ...entity(b, c, e, "Battery", "battery"), device_class: "voltage", unit_of_measurement: "V", state_class: "measurement", suggested_display_precision: 2 };
    case "rssi":
      return { ...entity(b, c, e, "Signal", "rssi"), device_class: "signal_strength", unit_of_measurement: "dBm", state_class: "measurement" };
    case "online":
      return { ...entity(b, c, e, "Online", "online"), device_class: "connectivity", payload_on: "ON", payload_off: "OFF" };
  }
}

/** Every config topic of the bttn with its payload; an entity the bttn has not (double off) gets "". */
export function discoveryMessages(b: Bttn, c: DiscoveryContext): DiscoveryMessage[] {
  return ENTITY_NAMES.map((e) => {
    const p = payloadOf(b, c, e);
    return { topic: configTopic(c.discoveryPrefix, c.prefix, b.id, e), payload: p ? JSON.stringify(p) : "" };
  });
}

/** Empty retained payloads on every config topic of a removed bttn: Home Assistant removes the device. */
export function removalMessages(id: string, c: Pick<DiscoveryContext, "discoveryPrefix" | "prefix">): DiscoveryMessage[] {
  return ENTITY_NAMES.map((e) => ({ topic: configTopic(c.discoveryPrefix, c.prefix, id, e), payload: "" }));
}
