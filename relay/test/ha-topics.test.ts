// Home Assistant discovery topics (ha/topics.ts): a config topic of ours is read back to its bttn
// and entity, whatever `_` the bttn id holds, and anything else is not ours; the external bus's
// topic filter matching (bus/external.ts) that routes those topics away from the press path.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { configTopic, ENTITY_NAMES, parseConfigTopic } from "../src/ha/topics";
import { topicMatches } from "../src/bus/external";

test("every config topic reads back to its bttn and entity, ids with _ and - included", () => {
  for (const id of ["a", "kitchen", "my_bttn", "x_pressed", "b_pressed_long", "online", "a-b_c", "_"]) {
    for (const entity of ENTITY_NAMES) {
      const topic = configTopic("homeassistant", "bttn", id, entity);
      assert.equal(parseConfigTopic("homeassistant", "bttn", topic), { id, entity }, topic);
    }
  }
});

test("topics that are not ours are not read as ours", () => {
  const not = [
    "homeassistant/sensor/other/kitchen_battery/config", // another node id
    "homeassistant/sensor/bttn/kitchen_pressed/config", // a trigger's object id under sensor
    "homeassistant/device_automation/bttn/kitchen_battery/config",
    "homeassistant/sensor/bttn/_battery/config", // no bttn id
    "homeassistant/sensor/bttn/kitchen_battery/state",
    "homeassistant/sensor/bttn/x/kitchen_battery/config",
    "elsewhere/sensor/bttn/kitchen_battery/config",
    "homeassistant/status",
  ];
  for (const t of not) assert.is(parseConfigTopic("homeassistant", "bttn", t), undefined, t);
  assert.equal(parseConfigTopic("ha/disc", "home", "ha/disc/binary_sensor/home/k_online/config"), { id: "k", entity: "online" }, "a prefix with levels");
});

test("topic filters: + is one level, # the rest", () => {
  assert.ok(topicMatches("homeassistant/+/bttn/+/config", "homeassistant/sensor/bttn/k_rssi/config"));
  assert.not.ok(topicMatches("homeassistant/+/bttn/+/config", "homeassistant/sensor/bttn/k/rssi/config"));
  assert.not.ok(topicMatches("homeassistant/+/bttn/+/config", "homeassistant/sensor/bttn/k_rssi"));
  assert.ok(topicMatches("homeassistant/status", "homeassistant/status"));
  assert.not.ok(topicMatches("homeassistant/status", "homeassistant/status/x"));
  assert.ok(topicMatches("a/#", "a/b/c"));
  assert.ok(topicMatches("a/#", "a"), "# also matches its parent level");
  assert.not.ok(topicMatches("bttn/+/event", "bttn/k/status"));
});

test.run();
