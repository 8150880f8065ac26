// The per-bttn press rate limit, through a whole relay: a device over its allowance gets `fail
// rate-limited` for the extra presses, those are recorded but not fired, every press is answered,
// and other bttns are not affected.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Result } from "@bttn/shared";
import { configFileSchema } from "../relay/src/config/schema";
import { DEFAULT_RATE_LIMIT } from "../relay/src/limits/press-rate";
import { startRig } from "./support/relay-rig";
import type { TestDevice } from "./support/device";
import { sleep, waitFor } from "./support/temp";

const SECRET = "rate-secret-1";

/** Sends `n` presses back to back; returns every press's final result, by seq. */
async function burst(d: TestDevice, n: number): Promise<Map<number, Result>> {
  const seqs = await Promise.all(Array.from({ length: n }, () => d.press("pressed")));
  const results = await Promise.all(seqs.map((s) => d.result(s, ["ok", "fail"], 15_000)));
  return new Map(seqs.map((s, i) => [s, results[i]]));
}

test("the default limit and its off switch are what the README says", () => {
  const c = configFileSchema.parse({});
  assert.equal(c.relay.rateLimit, { burst: 30, perSecond: 2 });
  assert.equal(DEFAULT_RATE_LIMIT, { burst: 30, perSecond: 2 });
  assert.is(configFileSchema.parse({ relay: { rateLimit: "off" } }).relay.rateLimit, "off");
  assert.equal(configFileSchema.parse({ relay: { rateLimit: { burst: 5 } } }).relay.rateLimit, { burst: 5, perSecond: 2 });
  assert.not.ok(configFileSchema.safeParse({ relay: { rateLimit: { burst: -1 } } }).success);
  assert.not.ok(configFileSchema.safeParse({ relay: { rateLimit: { perSecond: 0 } } }).success);
});

test("over the burst: exactly `burst` presses fire, the rest fail rate-limited, none is lost", async () => {
  // A slow refill (one press per 4 s), so that the burst's own duration adds nothing on a busy machine.
  const rig = await startRig("embedded", (sink) => ({
    relay: { rateLimit: { burst: 10, perSecond: 0.25 } },
    bttns: {
      noisy: { secret: SECRET, actions: { pressed: { http: { url: sink.url("/noisy"), method: "POST" } } } },
      calm: { secret: SECRET, actions: { pressed: { http: { url: sink.url("/calm"), method: "POST" } } } },
    },
  }));
  try {
    const d = await rig.device("noisy");
    const results = await burst(d, 25);
    const states = [...results.values()].map((r) => r.state + (r.reason ? " " + r.reason : ""));
    assert.is(results.size, 25, "every press answered");
    assert.is(states.filter((s) => s === "ok").length, 10, states.join(", "));
    assert.is(states.filter((s) => s === "fail rate-limited").length, 15, states.join(", "));
    // Not fired: the webhook server saw exactly the ten, each press identity once.
    await sleep(200);
    const keys = rig.sink.received.filter((r) => r.url === "/noisy").map((r) => String(r.headers["idempotency-key"]));
    assert.is(keys.length, 10);
    assert.is(new Set(keys).size, 10);
    const okSeqs = [...results].filter(([, r]) => r.state === "ok").map(([s]) => `"noisy:${d.boot}:${s}"`); // a quoted string, as the header carries it
    assert.equal(keys.sort(), okSeqs.sort());
    // Recorded: every press is in the history, the refused ones as fail rate-limited with no run.
    const feed = await rig.relay.events.feed("noisy", { limit: 100 });
    assert.is(feed.length, 25);
    const limited = feed.filter((e) => e.state === "fail" && e.reason === "rate-limited");
    assert.is(limited.length, 15);
    for (const e of limited) assert.is(e.runs.length, 0, "no request for a refused press");
    assert.is(rig.relay.pipeline.stats.rateLimited, 15);
    assert.ok(rig.logs.some((l) => /over the rate limit/.test(l) && /noisy/.test(l)), "the log says so");
    assert.is(rig.logs.filter((l) => /over the rate limit/.test(l)).length, 1, "one warning, not one per press");

    // Per bttn: another bttn still fires.
    const c = await rig.device("calm");
    const r = await c.result(await c.press("pressed"));
    assert.is(r.state, "ok");

    // The allowance comes back at the configured rate: one press after 4 s.
    await sleep(4300);
    const again = await d.result(await d.press("pressed"));
    assert.is(again.state, "ok");
    const next = await d.result(await d.press("pressed"));
    assert.equal([next.state, next.reason], ["fail", "rate-limited"]);
  } finally {
    await rig.close();
  }
});

test('"off" fires every press', async () => {
  const rig = await startRig("embedded", (sink) => ({
    relay: { rateLimit: "off" },
    bttns: { noisy: { secret: SECRET, actions: { pressed: { http: { url: sink.url("/noisy"), method: "POST" } } } } },
  }));
  try {
    const d = await rig.device("noisy");
    const results = await burst(d, 40);
    assert.ok([...results.values()].every((r) => r.state === "ok"));
    await waitFor(() => rig.sink.received.length === 40, 3000, "40 requests");
  } finally {
    await rig.close();
  }
});

test.run();
