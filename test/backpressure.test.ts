// Backpressure: with a small bound on presses in progress, a flood of presses from several devices
// never has more than the bound in progress (in the relay, and as concurrent webhook requests),
// the rest wait unacknowledged in the devices' queues, and every press is answered once.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Result } from "@bttn/shared";
import { DEFAULT_MAX_IN_PROGRESS } from "../relay/src/limits/press-gate";
import { configFileSchema } from "../relay/src/config/schema";
import { startRig } from "./support/relay-rig";

const SECRET = "backpressure-secret";
const BOUND = 8;
const DEVICES = 5;
const PRESSES = 40; // per device

test("the default bound is what the README says", () => {
  assert.is(DEFAULT_MAX_IN_PROGRESS, 512);
  assert.is(configFileSchema.parse({}).relay.maxPressesInProgress, 512);
});

test(`a flood of ${DEVICES * PRESSES} presses with a bound of ${BOUND}: never more in progress, all answered once`, async () => {
  const ids = Array.from({ length: DEVICES }, (_, i) => "flood" + i);
  const rig = await startRig(
    "embedded",
    (sink) => ({
      relay: { rateLimit: "off" },
      bttns: Object.fromEntries(ids.map((id) => [id, { secret: SECRET, actions: { pressed: { http: { url: sink.url("/" + id), method: "POST" } } } }])),
    }),
    {},
    { maxPressesInProgress: BOUND },
  );
  let open = 0;
  let peakOpen = 0;
  let peakInRelay = 0;
  // A slow webhook (30 ms an answer): presses pile up faster than they finish.
  rig.sink.respond((_req, res) => {
    open++;
    peakOpen = Math.max(peakOpen, open);
    peakInRelay = Math.max(peakInRelay, rig.relay.gate.size);
    setTimeout(() => {
      open--;
      res.end("ok");
    }, 30);
  });
  try {
    const devices = await Promise.all(ids.map((id) => rig.device(id)));
    const all = await Promise.all(
      devices.map(async (d) => {
        // Sent at once; publish resolves at the PUBACK, which the relay withholds while over the bound.
        const seqs = await Promise.all(Array.from({ length: PRESSES }, () => d.press("pressed")));
        const results = await Promise.all(seqs.map((s) => d.result(s, ["ok", "fail"], 30_000)));
        return { d, seqs, results };
      }),
    );
    for (const { d, seqs, results } of all) {
      assert.is(results.length, PRESSES);
      assert.ok(results.every((r: Result) => r.state === "ok"), d.id + ": " + JSON.stringify(results.filter((r) => r.state !== "ok")));
      const finals = d.results.filter((r) => r.state !== "pending");
      assert.is(finals.length, PRESSES, d.id + ": one final result per press");
      assert.is(new Set(finals.map((r) => r.seq)).size, PRESSES);
      assert.is(new Set(seqs).size, PRESSES);
    }
    const keys = rig.sink.received.map((r) => String(r.headers["idempotency-key"]));
    assert.is(keys.length, DEVICES * PRESSES, "each press fired");
    assert.is(new Set(keys).size, DEVICES * PRESSES, "none fired twice");

    const s = rig.relay.gate.stats;
    assert.ok(peakOpen <= BOUND, "concurrent webhook requests: " + peakOpen);
    assert.ok(peakInRelay <= BOUND && s.peak <= BOUND, "presses in progress: peak " + s.peak);
    assert.is(s.peak, BOUND, "the flood reached the bound (else this test shows nothing)");
    assert.ok(s.waited > 0 && s.pauses > 0, "presses waited: " + JSON.stringify(s));
    assert.is(rig.relay.gate.size, 0, "nothing left in progress");
    assert.is(rig.relay.gate.waiting, 0);
    assert.ok(rig.logs.some((l) => /overloaded/.test(l)), "the log says the relay was overloaded");
    const health = (await (await fetch(`http://127.0.0.1:${rig.relay.httpPort}/healthz`)).json()) as { presses: Record<string, number> };
    assert.equal(health.presses, { inProgress: 0, waiting: 0, bound: BOUND, peak: BOUND, pauses: s.pauses });
  } finally {
    await rig.close();
  }
});

test.run();
