// Where Home Assistant discovery puts things. Discovery configs follow Home Assistant's single
// component layout, `<discovery prefix>/<component>/<node_id>/<object_id>/config`, with the relay's
// topic prefix as node_id and `<bttn id>_<entity>` as object_id: one subscription,
// `<discovery prefix>/+/<prefix>/+/config`, then finds every config this relay ever left (and the
// ones of bttns removed while it was stopped). The states the entities read live under the bttn's
// own topics, `<prefix>/<id>/ha/...`, which devices may not write to.
import { ACTION_EVENT_TYPES } from "@bttn/shared";

export const DEFAULT_DISCOVERY_PREFIX = "homeassistant";

/** Home Assistant's birth message: it (re)started and wants the discovery configs again. */
export const birthTopic = (discoveryPrefix: string) => discoveryPrefix + "/status";
export const BIRTH_ONLINE = "online";

/** The relay's own availability: a segment with a `.` is never a bttn id (shared/check.ts). */
export const availabilityTopic = (prefix: string) => prefix + "/.relay/availability";
export const AVAILABLE = "online";
export const NOT_AVAILABLE = "offline";

/** The entities of one bttn: what Home Assistant component each is, and its object id suffix. */
export const ENTITIES = {
  pressed: "device_automation",
  pressed_long: "device_automation",
  pressed_double: "device_automation",
  battery: "sensor",
  rssi: "sensor",
  online: "binary_sensor",
} as const;
export type Entity = keyof typeof ENTITIES;
export const ENTITY_NAMES = Object.keys(ENTITIES) as Entity[];

export const configTopic = (discoveryPrefix: string, prefix: string, id: string, e: Entity) => `${discoveryPrefix}/${ENTITIES[e]}/${prefix}/${id}_${e}/config`;

/** Every config topic of this relay's bttns. */
export const configFilter = (discoveryPrefix: string, prefix: string) => `${discoveryPrefix}/+/${prefix}/+/config`;

/**
 * The bttn and entity a config topic of ours is for, or undefined for someone else's. A bttn id may
 * hold `_`, but every entity name ends the object id, and none is the end of another.
 */
export function parseConfigTopic(discoveryPrefix: string, prefix: string, topic: string): { id: string; entity: Entity } | undefined {
  const head = discoveryPrefix + "/";
  if (!topic.startsWith(head) || !topic.endsWith("/config")) return undefined;
  const [component, node, objectId, ...rest] = topic.slice(head.length, -"/config".length).split("/");
  if (node !== prefix || rest.length || !objectId) return undefined;
  for (const e of ENTITY_NAMES) {
    if (ENTITIES[e] === component && objectId.endsWith("_" + e) && objectId.length > e.length + 1) return { id: objectId.slice(0, -e.length - 1), entity: e };
  }
  return undefined;
}

/** The state topics the sensors read (retained), and the one the device triggers fire on (not retained). */
export const stateTopic = (prefix: string, id: string, what: "battery" | "rssi" | "online" | "action") => `${prefix}/${id}/ha/${what}`;

/** The press types that are device triggers, with Home Assistant's trigger type for each. */
export const TRIGGERS = {
  pressed: { entity: "pressed", type: "button_short_press" },
  "pressed-long": { entity: "pressed_long", type: "button_long_press" },
  "pressed-double": { entity: "pressed_double", type: "button_double_press" },
} as const satisfies Partial<Record<(typeof ACTION_EVENT_TYPES)[number], { entity: Entity; type: string }>>;
export type TriggerPress = keyof typeof TRIGGERS;
export const isTriggerPress = (t: string): t is TriggerPress => t in TRIGGERS;
