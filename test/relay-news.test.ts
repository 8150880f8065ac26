// The relay's news (relay/src/news.ts): what live views and metrics listen to. A press is told as
// taken, ran and concluded, with the same facts the bttn was answered; a device's status as heard;
// a listener that throws is logged and the press is still answered.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startRig } from "./support/relay-rig";
import type { NewsKinds } from "../relay/src/news";

test("a press is told taken, ran and concluded; a status is told heard; a failing listener breaks nothing", async () => {
  const rig = await startRig("embedded", (sink) => ({
    bttns: { porch: { secret: "porch-secret-1", actions: { pressed: { http: { url: sink.url("/ok") } }, "pressed-double": { http: { url: sink.url("/fail") } } } } },
  }));
  try {
    rig.sink.respond((q, res) => {
      res.statusCode = q.url === "/fail" ? 503 : 200;
      res.end();
    });
    const told: { kind: keyof NewsKinds; news: NewsKinds[keyof NewsKinds] }[] = [];
    for (const kind of ["taken", "pending", "concluded", "ran", "heard"] as const) rig.relay.news.on(kind, (news) => void told.push({ kind, news }));
    rig.relay.news.on("concluded", () => {
      throw new Error("a broken watcher");
    });
    const d = await rig.device("porch");
    const ok = await d.press("pressed", { bat: 3.1, rssi: -61 });
    assert.is((await d.result(ok)).state, "ok");
    const fail = await d.press("pressed-double");
    assert.is((await d.result(fail)).state, "fail");

    const heard = told.filter((t) => t.kind === "heard").map((t) => t.news as NewsKinds["heard"]);
    assert.equal(heard.map((h) => [h.bttn, h.bat, h.rssi]), [["porch", 3.1, -61]]);
    await d.raw("bttn/porch/status", JSON.stringify({ v: 1, online: true, fw: "9.9.9" }));
    for (let i = 0; i < 50 && !told.some((t) => t.kind === "heard" && (t.news as NewsKinds["heard"]).fw === "9.9.9"); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(told.some((t) => t.kind === "heard" && (t.news as NewsKinds["heard"]).online === true), "status told as heard");
    const concluded = told.filter((t) => t.kind === "concluded").map((t) => t.news as NewsKinds["concluded"]);
    assert.equal(
      concluded.map((c) => [c.bttn, c.type, c.outcome, c.reason, c.status]),
      [
        ["porch", "pressed", "ok", undefined, 200],
        ["porch", "pressed-double", "fail", "http", 503],
      ],
    );
    const taken = told.filter((t) => t.kind === "taken").map((t) => t.news as NewsKinds["taken"]);
    assert.equal(taken.map((t) => [t.type, t.eventId]), concluded.map((c) => [c.type, c.eventId]));
    const ran = told.filter((t) => t.kind === "ran").map((t) => t.news as NewsKinds["ran"]);
    assert.equal(ran.map((r) => [r.method, r.status, r.eventId]), [["GET", 200, concluded[0].eventId], ["GET", 503, concluded[1].eventId]]);
    assert.ok(rig.logs.some((l) => l.includes("a listener of the relay's news failed")));
  } finally {
    await rig.close();
  }
});

test.run();
