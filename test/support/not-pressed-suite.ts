// not-pressed, run the same way against each broker kind (one relay, or a group of relays that
// share one clock, so that each window ends for all of them at once): a bttn expected to be pressed
// in a daily window gets its `not-pressed` event and action when the window ends without a press:
// once, recorded in the feed, and also for a window that ended while the relay was down (at the
// next start, once across restarts). The watch runs on a clock the test moves; presses and
// webhooks are real (a broker, a loopback sink).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { startRig, Rig, BrokerKind } from "./relay-rig";
import { FakeClock } from "./fake-clock";
import { sleep, waitFor } from "./temp";
import { GRACE_MS } from "../../relay/src/schedule/not-pressed";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

// A window around the real time, in UTC: presses sent by the test are stamped with the real time,
// so they fall in it. Both ends on whole minutes, as the config writes them.
const realNow = Date.now();
const windowStart = Math.floor((realNow - HOUR) / MIN) * MIN;
const windowEnd = Math.floor((realNow + HOUR) / MIN) * MIN;
const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
const between = hhmm(windowStart) + "-" + hhmm(windowEnd);

export function notPressedSuite(kind: BrokerKind) {
  const test = suite("not-pressed on " + kind);
  const clock = new FakeClock(realNow);
  let rig: Rig;

  const calls = (who: string) => rig.sink.received.filter((r) => r.url.startsWith("/np/" + who));
  const notPressedIn = (who: string) => rig.relay.events.feed(who, { type: "not-pressed", limit: 100 });

  test.before(async () => {
    rig = await startRig(
      kind,
      (sink) => ({
        relay: { timeZone: "UTC" },
        bttns: {
          early: {
            secret: "early-secret-1",
            notPressed: { between },
            actions: {
              pressed: { http: { url: sink.url("/pressed") } },
              "not-pressed": { http: { url: sink.url("/np/early?n=<COUNTERN>&type=<ETYPE>") } },
            },
          },
          late: {
            secret: "late-secret-1",
            timeZone: "UTC",
            notPressed: { between },
            actions: { "not-pressed": { http: { url: sink.url("/np/late?n=<COUNTERN>&type=<ETYPE>") } } },
          },
          plain: { secret: "plain-secret-1", actions: { "not-pressed": { http: { url: sink.url("/np/plain") } } } },
        },
      }),
      {},
      { clock },
    );
  });

  test.after(async () => rig?.close());

  test("a window that ended before the relay first saw it is not acted on", async () => {
    assert.equal(calls(""), []);
    assert.equal(await notPressedIn("late"), []);
  });

  test("pressed in the window: nothing fires; not pressed: not-pressed fires once, recorded in the feed", async () => {
    const d = await rig.device("early");
    assert.is((await d.result(await d.press("pressed"))).state, "ok");

    await clock.advanceTo(windowEnd + GRACE_MS - 1000);
    await sleep(200);
    assert.equal(calls(""), [], "nothing before the grace after the window's end");

    await clock.advanceTo(windowEnd + GRACE_MS + 1000);
    await waitFor(() => calls("late").length === 1, 5000, "late's not-pressed webhook");
    assert.is(calls("late")[0].url, "/np/late?n=1&type=not-pressed");
    const [ev] = await waitFor(async () => {
      const f = await notPressedIn("late");
      // In a group the run may be in the queue of the other relay a moment longer than the end.
      return f.length === 1 && f[0].state === "ok" && f[0].runs.length > 0 && f;
    }, 3000, "late's not-pressed event concluded, with its run");
    assert.equal([ev.boot, ev.seq, ev.pressedAt, ev.counter, ev.code], ["relay", windowEnd / 1000, new Date(windowEnd).toISOString(), 1, 200]);
    assert.equal(ev.runs.map((r) => r.status), [200]);
    assert.is((await rig.relay.events.getCounters("late"))["not-pressed"], 1);

    // Hours later, still once; the pressed bttn and the bttn without a window never fire.
    await clock.advanceTo(windowEnd + 5 * HOUR);
    await sleep(200);
    assert.is(calls("late").length, 1);
    assert.equal(calls("early"), []);
    assert.equal(calls("plain"), []);
    assert.equal(await notPressedIn("early"), []);
    assert.ok(rig.logs.some((l) => l.includes("not pressed in its window") && l.includes("bttn=late")), "logged");
  });

  test("a window that ended while the relay was down fires once at the next start, not again at the one after", async () => {
    await rig.relay.close();
    clock.set(windowEnd + DAY + 3 * HOUR); // the next day's window ended three hours ago
    await rig.restart();
    // Both were not pressed that day. start() resolves once the events are recorded.
    assert.is((await notPressedIn("late")).length, 2);
    assert.is((await notPressedIn("early")).length, 1);
    await waitFor(() => calls("late").length === 2 && calls("early").length === 1, 5000, "both webhooks");
    assert.is(calls("late")[1].url, "/np/late?n=2&type=not-pressed");
    assert.is((await notPressedIn("early"))[0].pressedAt, new Date(windowEnd + DAY).toISOString(), "the event is the window's, not the start's");

    await rig.restart();
    await sleep(300);
    assert.is(calls("late").length, 2, "not again at the next start");
    assert.is(calls("early").length, 1);
    assert.is((await notPressedIn("late")).length, 2);
  });

  test("a relay down for days fires once for the last window it missed, not once per day", async () => {
    await rig.relay.close();
    clock.set(windowEnd + 4 * DAY + HOUR);
    await rig.restart();
    await waitFor(() => calls("late").length === 3, 5000, "late's webhook");
    await sleep(300);
    assert.is(calls("late").length, 3);
    assert.is((await notPressedIn("late"))[0].pressedAt, new Date(windowEnd + 4 * DAY).toISOString());
  });

  return test;
}
