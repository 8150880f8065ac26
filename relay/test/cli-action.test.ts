// `bttn-relay action set` with --dynamic-origin: the flag lands in the stored action as
// dynamicOrigins, and a bad origin is refused with the field's path before anything is stored.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { addBttn, setAction } from "../src/cli/bttn-commands";
import { BttnStore } from "../src/store/bttns";
import { openDb } from "../src/store/db";
import { tempDir } from "../../test/support/temp";

function stored(dataDir: string, id: string) {
  const db = openDb(dataDir);
  try {
    return new BttnStore(db).get(id)!.actions.pressed?.http;
  } finally {
    db.close();
  }
}

test("--dynamic-origin is stored as dynamicOrigins; a URL with a path is refused, naming the field", () => {
  const dir = tempDir("cli-action");
  try {
    addBttn(dir.path, "porch", { relayHost: "127.0.0.1", mqttPort: 1883 });
    const flags = { url: "dynamic", arg: [], header: ["X-Token=abc"] };
    setAction(dir.path, "porch", "pressed", { ...flags, dynamicOrigin: ["https://ha.lan:8123", "http://127.0.0.1:9000"] });
    assert.equal(stored(dir.path, "porch")?.dynamicOrigins, ["https://ha.lan:8123", "http://127.0.0.1:9000"]);
    assert.throws(() => setAction(dir.path, "porch", "pressed", { ...flags, dynamicOrigin: ["https://ha.lan/hooks"] }), /dynamicOrigins\.0: must be an origin only/);
    assert.equal(stored(dir.path, "porch")?.dynamicOrigins, ["https://ha.lan:8123", "http://127.0.0.1:9000"], "the stored action is unchanged");
  } finally {
    dir.remove();
  }
});

test.run();
