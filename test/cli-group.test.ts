// The command line against a group's PostgreSQL store (`--store`, or BTTN_STORE): a bttn added or a
// key made by the CLI on any machine is seen at once by a relay of the group; the group's own
// flags refuse what cannot work, each with the reason.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startRelay, Relay } from "../relay/src/relay";
import { refused, runCli, succeeded } from "./support/cli";
import { startMosquitto, Mosquitto } from "./support/mosquitto";
import { startPostgres, Postgres } from "./support/postgres";
import { RELAY_USER } from "./support/relay-rig";
import { tempDir, waitFor } from "./support/temp";

let pg: Postgres;
let mosq: Mosquitto;
let relay: Relay;
const data = tempDir("cli-group");

test.before(async () => {
  pg = await startPostgres();
  mosq = await startMosquitto({ [RELAY_USER.username]: RELAY_USER.password });
  relay = await startRelay({ dataDir: data.path, store: pg.url, shareGroup: "cli", broker: mosq.url, brokerUsername: RELAY_USER.username, brokerPassword: RELAY_USER.password, httpPort: 0, host: "127.0.0.1", logLevel: "silent" });
});

test.after(async () => {
  await relay?.close();
  await mosq?.stop();
  await pg?.stop();
  data.remove();
});

test("bttn add, keys create and bttn list reach the group's store; the running relay sees them", async () => {
  const cliData = tempDir("cli-group-cli"); // another machine: nothing of the relay's data directory
  try {
    const env = { BTTN_STORE: pg.url };
    const added = succeeded(await runCli(["bttn", "add", "porch", "--data", cliData.path, "--relay-host", "127.0.0.1", "--mqtt-port", String(mosq.port)], { env }), "bttn add");
    assert.match(added.stdout, /"id": ?"porch"/);
    await waitFor(() => relay.bttns.get("porch"), 3000, "the relay sees the new bttn");
    const listed = succeeded(await runCli(["bttn", "list", "--data", cliData.path, "--store", pg.url]), "bttn list");
    assert.match(listed.stdout, /porch/);
    const made = succeeded(await runCli(["keys", "create", "--name", "porch server", "--bttn", "porch", "--data", cliData.path], { env }), "keys create");
    const token = /bttn_[0-9a-f]{16}_[A-Za-z0-9_-]{32}/.exec(made.stdout + made.stderr)![0];
    const res = await fetch(`http://127.0.0.1:${relay.httpPort}/api/v1/bttns/porch/counter`, { headers: { authorization: "Bearer " + token } });
    assert.is(res.status, 200, "the relay takes the key the CLI made");
    refused(await runCli(["backup", "/tmp/never.db", "--data", cliData.path], { env }), /BTTN_STORE names a PostgreSQL store, which pg_dump backs up/);
  } finally {
    cliData.remove();
  }
});

test("the group's flags refuse what cannot work", async () => {
  refused(await runCli(["run", "--share-group", "g"]), /--share-group: only with --broker/);
  refused(await runCli(["run", "--broker", "mqtt://127.0.0.1:1", "--share-group", "g"]), /--share-group: needs --store postgres:\/\//);
  refused(await runCli(["run", "--store", "mysql://db/bttn"]), /--store: must be a postgres:\/\/user:password@host:5432\/database URL/);
  refused(await runCli(["run", "--broker", "mqtt://127.0.0.1:1", "--store", pg.url, "--share-group", "no spaces"]), /--share-group: 1-64 letters, digits, - or _/);
});

test.run();
