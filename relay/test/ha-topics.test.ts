// Home Assistant discovery topics (ha/topics.ts): a config topic of ours is read back to its bttn
// and entity, whatever `_` the bttn id holds, and anything else is not ours; the external bus's
// topic filter matching (bus/external.ts) that routes those topics away from the press path.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { configTopic, ENTITY_NAMES, parseConfigTopic } from "../src/ha/topics";
import { topicMatches } from "../src/bus/external";
import { filterWithin, HaUser } from "../src/bus/ha-user";

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

test("a filter is within an allowed one only when every topic it matches is", () => {
  const yes: Array<[string, string]> = [
    ["homeassistant/#", "homeassistant/#"],
    ["homeassistant", "homeassistant/#"],
    ["homeassistant/+/+/config", "homeassistant/#"],
    ["homeassistant/sensor/bttn/k_rssi/config", "homeassistant/#"],
    ["bttn/+/ha/#", "bttn/+/ha/#"],
    ["bttn/kitchen/ha/battery", "bttn/+/ha/#"],
    ["bttn/kitchen/ha", "bttn/+/ha/#"],
  ];
  const no: Array<[string, string]> = [
    ["#", "homeassistant/#"],
    ["+/status", "homeassistant/#"],
    ["bttn/#", "bttn/+/ha/#"],
    ["bttn/+/#", "bttn/+/ha/#"],
    ["+/+/ha/#", "bttn/+/ha/#"],
    ["bttn/kitchen/event", "bttn/+/ha/#"],
    ["bttn/kitchen", "bttn/+/ha/#"],
    ["homeassistantx/#", "homeassistant/#"],
  ];
  for (const [f, a] of yes) assert.ok(filterWithin(f, a), f + " within " + a);
  for (const [f, a] of no) assert.not.ok(filterWithin(f, a), f + " not within " + a);
});

test("Home Assistant's login: its password only, its birth topic only, discovery's topics only", () => {
  const ha = new HaUser({ username: "homeassistant", password: "p".repeat(16), discoveryPrefix: "homeassistant", prefix: "bttn" });
  assert.ok(ha.is("homeassistant"));
  assert.not.ok(ha.is("kitchen"));
  assert.ok(ha.passwordOk(Buffer.from("p".repeat(16))));
  assert.not.ok(ha.passwordOk(Buffer.from("p".repeat(15))));
  assert.not.ok(ha.passwordOk(Buffer.from("")));
  assert.ok(ha.mayPublish("homeassistant/status"));
  for (const t of ["bttn/kitchen/event", "bttn/kitchen/status", "homeassistant/sensor/x/y/config", "bttn/kitchen/ha/action"]) assert.not.ok(ha.mayPublish(t), t);
  for (const t of ["homeassistant/sensor/bttn/k_rssi/config", "bttn/k/ha/rssi", "bttn/.relay/availability"]) assert.ok(ha.mayReceive(t), t);
  for (const t of ["bttn/k/event", "bttn/k/result", "bttn/k/config", "bttn/k/status", "$SYS/broker/uptime"]) assert.not.ok(ha.mayReceive(t), t);
});

test.run();
