// Boot's choice between normal mode and setup mode, on a fake clock. Normal mode's bundle only
// decides: a bttn.json without Wi-Fi settings, or the button down at power-on, hands over to setup
// mode (a wake from deep sleep by the button is a press). Setup mode times the hold itself: held
// 10 s in all, it opens; let go sooner, it goes back to normal mode.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { DeviceFile } from "@bttn/shared";
import type { SetupBindings } from "../src/bindings";
import { runSetup } from "../src/core/setup";
import { start } from "../src/core/start";
import { fakeBindings, fakeClock } from "./fakes";

const FILE: DeviceFile = { id: "kitchen", secret: "kitchen-secret", relay: { host: "relay", port: 1883 }, wifi: { ssid: "home", password: "pass-word" } };

function board(file: object, o: { held?: boolean; wake?: "button" | "timer" } = {}) {
  const clock = fakeClock();
  const b = fakeBindings(clock, { held: o.held, wake: o.wake });
  b.storage.write("bttn.json", JSON.stringify(file));
  const app = start(b, { fw: "x" });
  return { b, clock, app };
}

test("no Wi-Fi settings: setup mode at once, normal mode never starts", () => {
  const { b, app, clock } = board({ ...FILE, wifi: undefined });
  assert.is(b.setups, 1);
  assert.is(app, undefined);
  clock.advance(60000);
  assert.is(b.wifiCalls, 0);
});

test("no Wi-Fi settings and no setup mode on the board: normal mode with the board's own Wi-Fi, said on the console", () => {
  const clock = fakeClock();
  const b = fakeBindings(clock);
  b.setupOnBoard = false;
  b.storage.write("bttn.json", JSON.stringify({ ...FILE, wifi: undefined }));
  const app = start(b, { fw: "x" });
  assert.ok(app);
  assert.match(b.logs.join("\n"), /no setup mode: run flash\.sh/);
  app!.stop();
});

test("the button down at power-on: handed to setup mode, which times the hold", () => {
  const { b, app } = board(FILE, { held: true });
  assert.is(b.setups, 1);
  assert.is(app, undefined);
});

test("the button up at power-on: normal mode, no setup mode", () => {
  const { b, app } = board(FILE);
  assert.is(b.setups, 0);
  assert.ok(app);
  app!.stop();
});

test("a wake from deep sleep by the button is a press, however long it is held", () => {
  const { b, clock, app } = board(FILE, { held: true, wake: "button" });
  assert.ok(app);
  clock.advance(12000);
  assert.is(b.setups, 0);
  app!.stop();
});

test("held at power-on but no setup mode on the board: normal mode at once", () => {
  const clock = fakeClock();
  const b = fakeBindings(clock, { held: true });
  b.setupOnBoard = false;
  b.storage.write("bttn.json", JSON.stringify(FILE));
  const app = start(b, { fw: "x" });
  assert.is(b.setups, 1);
  assert.ok(app, "normal mode started");
  app!.stop();
});

/** Setup mode's side, on the same fake hardware: what it did (access point, back to normal). */
function setupSide(held: boolean) {
  const clock = fakeClock();
  const b = fakeBindings(clock, { held });
  b.storage.write("bttn.json", JSON.stringify(FILE));
  const did: string[] = [];
  const sb: SetupBindings = {
    ...b,
    ap: (ssid) => void did.push("ap " + ssid),
    serve: () => void did.push("serve"),
    restart: () => void did.push("restart"),
    normal: () => void did.push("normal"),
  };
  runSetup(sb, { hold: 10000 });
  return { b, clock, did };
}

test("setup mode after a hold: opens at 10 s, and not a moment before", () => {
  const { clock, did } = setupSide(true);
  clock.advance(9800);
  assert.equal(did, [], "9.8 s is not enough");
  clock.advance(300);
  assert.equal(did, ["ap bttn-kitchen", "serve"]);
});

test("setup mode after a hold: let go before 10 s, back to normal mode, nothing opened", () => {
  const { b, clock, did } = setupSide(true);
  clock.advance(4000);
  b.held = false;
  clock.advance(150);
  assert.equal(did, ["normal"]);
  clock.advance(15000);
  assert.equal(did, ["normal"]);
});

test("setup mode after a hold: already let go when it starts, back to normal mode", () => {
  const { did } = setupSide(false);
  assert.equal(did, ["normal"]);
});

test.run();
