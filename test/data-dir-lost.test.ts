// The relay's data directory disappears while it runs: /healthz turns unhealthy and the log says
// why; the next start refuses a database that vanished instead of silently making a new one.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startRig } from "./support/relay-rig";
import { startRelay } from "../relay/src/relay";
import { createLogger } from "../relay/src/log";

test("data directory removed under a running relay: 503 with the reason, then the next start refuses", async () => {
  const rig = await startRig("embedded", () => ({ bttns: { kitchen: { secret: "kitchen-secret-1" } } }));
  const aside = rig.dataDir + "-aside";
  try {
    const health = async () => {
      const r = await fetch(`http://127.0.0.1:${rig.relay.httpPort}/healthz`);
      return { status: r.status, body: (await r.json()) as { ok: boolean; store: { ok: boolean; problem?: string } } };
    };
    assert.is((await health()).status, 200);
    renameSync(rig.dataDir, aside); // as good as deleted for the relay, and the test can look at it after
    const h = await health();
    assert.is(h.status, 503);
    assert.is(h.body.store.ok, false);
    assert.match(h.body.store.problem ?? "", /is gone \(deleted or moved/);
    assert.ok(rig.logs.some((l) => / error .*the data directory is in trouble: .*is gone/.test(l)), "the log says why");

    // The directory comes back without its database (a restore that forgot the file):
    mkdirSync(rig.dataDir);
    renameSync(join(aside, ".bttn-data"), join(rig.dataDir, ".bttn-data"));
    await rig.relay.close();
    assert.equal(readdirSync(rig.dataDir), [".bttn-data"], "stopping made no database file in its place");
    const err = await startRelay({ dataDir: rig.dataDir, mqttPort: 0, httpPort: 0, host: "127.0.0.1", log: createLogger("silent") }).then(
      (r) => r.close().then(() => undefined),
      (e: Error) => e,
    );
    assert.ok(err, "the next start refused");
    assert.match(err!.message, /bttn\.db is missing, but .* held a relay database before/);
    // Put the real directory back so the rig can close as usual.
    rmSync(rig.dataDir, { recursive: true });
    renameSync(aside, rig.dataDir);
    await rig.restart();
    assert.is((await health()).status, 200);
  } finally {
    rmSync(aside, { recursive: true, force: true });
    await rig.close();
  }
});

test.run();
