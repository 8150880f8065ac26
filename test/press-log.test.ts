// Every press's outcome is one info line: bttn, type, outcome (and reason), HTTP status and how
// long it took, a success included; the line never holds a secret (the device's, URL credentials,
// auth and header values).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startRig } from "./support/relay-rig";

const SECRETS = ["porch-device-secret-1", "url-pass-2", "basic-pass-3", "header-token-4"];

test("one info line per press with bttn, type, outcome, status and duration, and no secret", async () => {
  const rig = await startRig("embedded", (sink) => ({
    bttns: {
      porch: {
        secret: SECRETS[0],
        actions: {
          pressed: { http: { url: sink.url("/ok").replace("http://", "http://hook:" + SECRETS[1] + "@"), headers: { "X-Token": SECRETS[3] } } },
          "pressed-double": { http: { url: sink.url("/fail"), auth: { type: "basic", username: "me", password: SECRETS[2] } } },
        },
      },
    },
  }));
  try {
    rig.sink.respond((q, res) => {
      res.statusCode = q.url === "/fail" ? 503 : 200;
      res.end("x");
    });
    const d = await rig.device("porch");
    assert.is((await d.result(await d.press("pressed"))).state, "ok");
    assert.is((await d.result(await d.press("pressed-double"))).state, "fail");
    assert.is((await d.result(await d.press("pressed-long"))).state, "fail"); // no action: never fired, still logged

    const lines = rig.logs.filter((l) => / info +press (ok|fail) /.test(l));
    assert.is(lines.length, 3, lines.join("\n"));
    assert.match(lines[0], /press ok bttn=porch type=pressed outcome=ok status=200 durationMs=\d+/);
    assert.match(lines[1], /press fail bttn=porch type=pressed-double outcome=fail reason=http status=503 durationMs=\d+ error="HTTP 503"/);
    assert.match(lines[2], /press fail bttn=porch type=pressed-long outcome=fail reason=no-action durationMs=\d+/);
    for (const s of SECRETS) {
      const leak = rig.logs.find((l) => l.includes(s));
      assert.is(leak, undefined, "a log line holds a secret: " + leak);
    }
  } finally {
    await rig.close();
  }
});

test("--log-level warn turns the press lines off", async () => {
  const rig = await startRig("embedded", (sink) => ({ bttns: { shed: { secret: "shed-secret-1", actions: { pressed: { http: { url: sink.url("/") } } } } } }));
  try {
    rig.relay.log.level = "warn";
    const d = await rig.device("shed");
    assert.is((await d.result(await d.press("pressed"))).state, "ok");
    assert.not.ok(rig.logs.some((l) => /press (ok|fail)/.test(l)));
  } finally {
    await rig.close();
  }
});

test.run();
