// Which client ids a bttn may use: its id, or "<id>.<suffix>"; never another bttn's.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { clientIdBelongsTo } from "../src/bus/client-id";

test("a bttn's own ids", () => {
  assert.ok(clientIdBelongsTo("kitchen", "kitchen"));
  assert.ok(clientIdBelongsTo("kitchen.test", "kitchen"));
  assert.ok(clientIdBelongsTo("kitchen.a1-b_2", "kitchen"));
});

test("another bttn's ids, and ids of no form", () => {
  assert.not.ok(clientIdBelongsTo("kitchen-door", "kitchen"), "the exact id of bttn kitchen-door");
  assert.not.ok(clientIdBelongsTo("kitchen-door.x", "kitchen"));
  assert.not.ok(clientIdBelongsTo("kitchen", "kitchen-door"));
  assert.not.ok(clientIdBelongsTo("kitchen.", "kitchen"), "empty suffix");
  assert.not.ok(clientIdBelongsTo("kitchen.a.b", "kitchen"));
  assert.not.ok(clientIdBelongsTo("kitchen." + "x".repeat(33), "kitchen"));
  assert.not.ok(clientIdBelongsTo("", "kitchen"));
  assert.not.ok(clientIdBelongsTo("mqttjs_1234abcd", "kitchen"));
  assert.not.ok(clientIdBelongsTo("Kitchen", "kitchen"));
});

test.run();
