// A group seen from any of its relays: presses go to either relay (mosquitto's shared
// subscription), yet a console on either one shows every press as it happens, and the API of
// either one answers the same history and counters (one PostgreSQL store).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { apiClient, firstStartToken } from "./support/api-client";
import { openLive, Live } from "./support/live";
import { Rig, startRig } from "./support/relay-rig";
import mqtt from "mqtt";
import { startRelay, Relay } from "../relay/src/relay";
import { startMosquitto } from "./support/mosquitto";
import { startPostgres } from "./support/postgres";
import { tempDir, waitFor } from "./support/temp";

const t = suite<{ rig: Rig; admin: string }>("a group seen from any relay");

t.before(async (ctx) => {
  ctx.rig = await startRig("group", (sink) => ({
    bttns: { hall: { secret: "hall-secret-1", actions: { pressed: { http: { url: sink.url("/hall") } } } } },
  }));
  ctx.admin = firstStartToken(ctx.rig.logs); // made once, by the first relay: the group shares its keys
});
t.after(async (ctx) => ctx.rig?.close());

t("each relay's console shows every press, whichever relay took it; the API answers the same on both", async ({ rig, admin }) => {
  const [a, b] = rig.relays;
  const headers = { authorization: "Bearer " + admin };
  const streams: Live[] = [];
  for (const r of rig.relays) streams.push(await openLive(`http://127.0.0.1:${r.httpPort}/api/v1/live`, headers));
  try {
    const d = await rig.device("hall");
    // The relays pass their news once they know a console watches (within a second of it opening).
    await new Promise((res) => setTimeout(res, 1500));
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await d.result(await d.press("pressed"));
      assert.is(r.state, "ok");
    }
    const taken = [a, b].map((r) => r.pipeline.stats.events);
    assert.ok(taken[0] > 0 && taken[1] > 0, "both relays took presses: " + taken.join(" and "));
    for (const live of streams) {
      const ok = await live.next((e) => e.event === "press" && e.data.state === "ok" && live.events.filter((x) => x.event === "press" && x.data.state === "ok").length === 6, 5000);
      assert.ok(ok);
      ids.push(...live.events.filter((x) => x.event === "press" && x.data.state === "ok").map((x) => x.data.eventId as number));
    }
    assert.is(new Set(ids).size, 6, "the same six presses on both consoles");
    for (const path of ["/bttns/hall/feed", "/bttns/hall/counter"]) {
      const read = async () => {
        const seen = [];
        for (const r of rig.relays) {
          const answer = await apiClient(() => r.httpPort).call("GET", path, { bearer: admin });
          assert.is(answer.status, 200);
          seen.push(answer.body);
        }
        return seen;
      };
      // A run recorded by one relay lands from its queue a moment after the press ended.
      let seen = await read();
      for (let i = 0; i < 20 && JSON.stringify(seen[0]) !== JSON.stringify(seen[1]); i++) {
        await new Promise((res) => setTimeout(res, 50));
        seen = await read();
      }
      assert.equal(seen[0], seen[1], path + ": the same from either relay");
    }
  } finally {
    for (const s of streams) s.close();
  }
});

t.run();

// Home Assistant sees the relay as available while any member of the group is: the members share
// one availability topic, and a member that goes leaves "offline" there (its will, or its goodbye).
const ha = suite("a group's availability for Home Assistant");

ha("a member that stops leaves the group available; the last one leaves it unavailable", async () => {
  const relayUser = { username: "relay", password: "relay-pass-123" };
  const mosq = await startMosquitto({ [relayUser.username]: relayUser.password }, { acl: { relay: ["topic readwrite homeassistant/#"] } });
  const pg = await startPostgres();
  const dirs = [tempDir("group-ha-a"), tempDir("group-ha-b")];
  const relays: Relay[] = [];
  const watcher = await mqtt.connectAsync(mosq.url, { ...relayUser, clientId: "watcher" });
  try {
    for (const dir of dirs)
      relays.push(
        await startRelay({
          dataDir: dir.path,
          config: { relay: { haDiscovery: true } },
          broker: mosq.url,
          brokerUsername: relayUser.username,
          brokerPassword: relayUser.password,
          store: pg.url,
          shareGroup: "ha-test",
          httpPort: 0,
          host: "127.0.0.1",
          logLevel: "silent",
        }),
      );
    const seen: string[] = [];
    watcher.on("message", (_t, p) => seen.push(p.toString()));
    await watcher.subscribeAsync("bttn/.relay/availability", { qos: 1 });
    await waitFor(() => seen.at(-1) === "online", 3000, "online at first");
    await relays[0].close();
    await waitFor(() => seen.includes("offline") && seen.at(-1) === "online", 3000, "online again after one member left: " + seen.join(","));
    await relays[1].close();
    await waitFor(() => seen.at(-1) === "offline", 3000, "offline once the last member left: " + seen.join(","));
  } finally {
    await watcher.endAsync();
    for (const r of relays) await r.close();
    await mosq.stop();
    await pg.stop();
    for (const d of dirs) d.remove();
  }
});

ha.run();
