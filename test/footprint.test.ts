// `npm run footprint` (bench/footprint.ts), shortened: it starts the bundled relay, presses through a
// real MQTT client and prints every figure the README's Raspberry Pi section quotes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { ROOT, runProcess } from "./support/cli";

test("the footprint script runs and prints memory, storage writes and history per press", async () => {
  const r = await runProcess(process.execPath, ["--import", "tsx", join(ROOT, "bench/footprint.ts"), "--idle-seconds", "2", "--presses", "30", "--rate", "30"], { timeoutMs: 120_000 });
  assert.is(r.code, 0, r.stdout + r.stderr);
  const out = r.stdout;
  assert.match(out, /^bttn-relay footprint, \d{4}-\d\d-\d\d\nmachine: \d+ x .*, Node \d+\.\d+\.\d+, data on \S+\n/);
  const idle = /idle \(1 bttn connected, 2 s\): RSS median ([\d.]+) MB .*; written to storage (\d+) bytes/.exec(out);
  assert.ok(idle, out);
  assert.ok(Number(idle![1]) > 20 && Number(idle![1]) < 1000, "idle RSS " + idle![1]);
  assert.match(out, /presses: 30 of 30 ok in [\d.]+ s/);
  const perPress = /written to storage per press: (\d+) bytes/.exec(out);
  const history = /history per press: (\d+) bytes of database \(.*, 30 events, 30 runs/.exec(out);
  assert.ok(perPress && history, out);
  if (!/data on tmpfs/.test(out)) assert.ok(Number(perPress![1]) > 0, "a press reaches the disk");
  assert.ok(Number(history![1]) >= 0 && Number(history![1]) < 4096, "history per press " + history![1]);
  assert.match(out, /log per press at --log-level info: \d+ bytes/);
  assert.match(out, /relay exit code 0$/m);
});

test.run();
