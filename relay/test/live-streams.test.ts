// The live streams' bounds without a server: at most `max` open, the sources listened to only while
// one is open, a ping comment on time, a reader that falls behind cut off, and all ended at close.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { LiveStreams } from "../src/live/streams";

const dec = new TextDecoder();

async function readAll(body: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  const r = body.getReader();
  for (;;) {
    const { done, value } = await r.read();
    if (done) return text;
    text += dec.decode(value);
  }
}

function sources() {
  const s = { started: 0, stopped: 0, send: undefined as undefined | ((e: string, d: unknown) => void) };
  const onFirst = (send: (e: string, d: unknown) => void) => {
    s.started++;
    s.send = send;
    return () => void s.stopped++;
  };
  return { s, onFirst };
}

test("at most `max`; sources start with the first stream and stop with the last; closeAll ends them and refuses more", async () => {
  const { s, onFirst } = sources();
  const live = new LiveStreams(onFirst, { max: 2, pingMs: 60_000, maxQueued: 100 });
  const a = live.open()!;
  const b = live.open()!;
  assert.ok(a && b);
  assert.is(live.open(), undefined, "a third is refused");
  assert.equal([s.started, s.stopped], [1, 0]);
  s.send!("press", { n: 1 });
  await a.cancel(); // the client went away
  assert.is(live.size, 1);
  assert.equal([s.started, s.stopped], [1, 0]);
  const c = live.open()!;
  assert.ok(c, "a place was free again");
  live.closeAll();
  assert.equal([live.size, s.stopped], [0, 1]);
  assert.is(live.open(), undefined, "closed for good");
  const text = await readAll(b);
  assert.is(text, 'retry: 3000\n: connected\n\nevent: press\ndata: {"n":1}\n\n', "b got its event, then its end");
  assert.is(await readAll(c), "retry: 3000\n: connected\n\n");
});

test("a ping comment every pingMs while a stream is open", async () => {
  const { onFirst } = sources();
  const live = new LiveStreams(onFirst, { max: 2, pingMs: 30, maxQueued: 100 });
  const a = live.open()!;
  await new Promise((r) => setTimeout(r, 100));
  live.closeAll();
  const pings = (await readAll(a)).split(": ping\n\n").length - 1;
  assert.ok(pings >= 2 && pings <= 4, pings + " pings in 100 ms");
});

test("a reader that falls maxQueued events behind is cut off; the others go on", async () => {
  const { s, onFirst } = sources();
  const live = new LiveStreams(onFirst, { max: 2, pingMs: 60_000, maxQueued: 5 });
  const slow = live.open()!;
  const fast = live.open()!;
  const fastReader = fast.getReader();
  assert.match(dec.decode((await fastReader.read()).value), /connected/);
  const got: string[] = [];
  for (let i = 0; i < 20; i++) {
    s.send!("n", i);
    got.push(dec.decode((await fastReader.read()).value));
  }
  assert.is(live.size, 1, "the slow one was cut off");
  assert.match(got.join(""), /data: 19\n\n$/);
  const slowText = await readAll(slow);
  assert.ok(slowText.split("event: n").length - 1 < 6, "it got what was queued, then its end");
  live.closeAll();
});

test.run();
