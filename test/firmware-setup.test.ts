// Setup mode end to end: a simulated board boots from its Storage, serves the setup page on
// loopback (the access point's address on the device), and the test fills the form in over real
// HTTP like a phone would. A valid form rewrites bttn.json and the board restarts into normal mode,
// which joins the new Wi-Fi and reaches the relay named on the page (a real relay with its broker).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkDeviceFile, DeviceFile } from "@bttn/shared";
import { memoryStorage } from "../firmware/src/sim/bindings";
import { bootSimBoard, SimBoard } from "../firmware/src/sim/board";
import { relayOnPort, RelayOnPort } from "../firmware/test/net-helpers";
import { startSink, WebhookSink } from "./support/webhook-sink";

const SECRET = "hall-secret-setup";
const ctx = {} as { r: RelayOnPort; boards: SimBoard[]; sink: WebhookSink };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(what: () => boolean, ms: number, label: string): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error("timed out waiting for " + label);
    await sleep(20);
  }
}

/** A board whose bttn.json has an id and secret but no Wi-Fi, and a relay port nothing listens on. */
function fileWithoutWifi(): DeviceFile {
  return { id: "hall", secret: SECRET, relay: { host: "127.0.0.1", port: 9 } };
}

interface Booted {
  board: SimBoard;
  storage: ReturnType<typeof memoryStorage>;
  url: Promise<string>;
  logs: string[];
}

function boot(file: DeviceFile | undefined, o: { held?: boolean; holdMs?: number; idleMs?: number } = {}): Booted {
  const storage = memoryStorage();
  if (file) storage.write("bttn.json", JSON.stringify(file));
  const logs: string[] = [];
  let gotUrl: (u: string) => void = () => {};
  // Bounded: a board that never serves the page fails the test instead of hanging it.
  const url = new Promise<string>((r, reject) => {
    gotUrl = r;
    setTimeout(() => reject(new Error("no setup page within 10 s; console: " + logs.join(" | "))), 10000).unref();
  });
  url.catch(() => {});
  const board = bootSimBoard({
    storage,
    sim: { log: (m) => logs.push(m), heldAtBoot: o.held },
    holdMs: o.holdMs,
    setup: { restartMs: 300, idleMs: o.idleMs },
    app: { backoffMs: 100, backoffMaxMs: 400 },
    onSetupPage: gotUrl,
  });
  ctx.boards.push(board);
  return { board, storage, url, logs };
}

function http(url: string, method: string, body?: string, type = "application/x-www-form-urlencoded"): Promise<{ status: number; text: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body !== undefined ? { "Content-Type": type } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString("utf8"), type: String(res.headers["content-type"]) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const form = (f: Record<string, string>) => new URLSearchParams(f).toString();

test.before(async () => {
  ctx.sink = await startSink();
  ctx.r = await relayOnPort({ bttns: { hall: { secret: SECRET, actions: { pressed: { http: { method: "POST", url: ctx.sink.url("/hall"), format: "json", args: {} } } } } } });
  ctx.boards = [];
});

test.after.each(async () => {
  for (const b of ctx.boards.splice(0)) b.stop();
  await sleep(50);
});

test.after(async () => {
  await ctx.r.close();
  await ctx.sink.close();
});

test("no Wi-Fi settings: the page is served, bad input is refused with a reason, a valid form is saved and the bttn restarts onto the relay", async () => {
  const d = boot(fileWithoutWifi());
  const url = await d.url;
  assert.is(d.board.hw().ap, "bttn-hall", "the access point is named after the bttn");
  assert.is(d.board.app(), undefined, "normal mode does not run in setup mode");

  const page = await http(url, "GET");
  assert.is(page.status, 200);
  assert.match(page.type, /^text\/html; charset=utf-8/);
  assert.match(page.text, /<form method=post action=\/>/);
  for (const name of ["ssid", "password", "host", "port"]) assert.match(page.text, new RegExp("name=" + name + "\\b"));
  assert.not.match(page.text, new RegExp(SECRET), "the secret never leaves the board");

  const before = d.storage.read("bttn.json");
  const refused: Array<[string, RegExp]> = [
    [form({ ssid: "", password: "x" }), /Wi-Fi name: required/],
    [form({ ssid: "n".repeat(33), password: "x" }), /Wi-Fi name: must be at most 32 characters/],
    [form({ ssid: "home", password: "p".repeat(65) }), /Wi-Fi password: must be at most 64 characters/],
    [form({ ssid: "home", host: "relay.local/admin" }), /Relay address: must be a host name or IP address/],
    [form({ ssid: "home", port: "0" }), /Relay port: must be between 1 and 65535/],
    ["ssid=home%Z1", /badly encoded/],
  ];
  for (const [body, why] of refused) {
    const r = await http(url, "POST", body);
    assert.is(r.status, 400, body);
    assert.match(r.text, why);
    assert.match(r.text, /Nothing was saved/);
    assert.match(r.text, /<form/, "the form comes back to try again");
  }
  const huge = await http(url, "POST", form({ ssid: "home", password: "x".repeat(3000) }));
  assert.is(huge.status, 413);
  assert.is(d.storage.read("bttn.json"), before, "nothing was saved");
  assert.equal(d.board.patterns, ["setup"], "the setup pattern throughout");

  const saved = await http(url, "POST", form({ ssid: "Café home", password: "correct horse", host: "127.0.0.1", port: String(ctx.r.mqttPort) }));
  assert.is(saved.status, 200);
  assert.match(saved.text, /Saved\. The bttn restarts now and joins Café home/);
  const file = JSON.parse(d.storage.read("bttn.json")!) as DeviceFile;
  assert.is(checkDeviceFile(file), "");
  // Wi-Fi names are bytes on the device: the UTF-8 of "Café home", one character per byte.
  assert.equal(file, { id: "hall", secret: SECRET, relay: { host: "127.0.0.1", port: ctx.r.mqttPort }, wifi: { ssid: Buffer.from("Café home").toString("latin1"), password: "correct horse" } });
  assert.not.match(d.logs.join("\n"), /correct horse|hall-secret/, "neither the password nor the secret reaches the console");

  await until(() => d.board.boots() === 2 && !!d.board.app(), 5000, "the restart into normal mode");
  assert.equal(d.board.hw().wifiTried[0], file.wifi, "the new boot joins the saved Wi-Fi");
  await until(() => d.board.app()!.link() === "up", 5000, "the link to the relay named on the page");
  const seen = d.board.patterns.join(",");
  assert.ok(seen.startsWith("setup,") && seen.lastIndexOf("setup") === 0 && seen.indexOf("connecting") > 0, "setup until the restart, then normal mode: " + seen);
});

test("a second POST after the save changes nothing: the bttn is already restarting", async () => {
  const d = boot(fileWithoutWifi());
  const url = await d.url;
  assert.is((await http(url, "POST", form({ ssid: "first" }))).status, 200);
  const again = await http(url, "POST", form({ ssid: "second" }));
  assert.match(again.text, /joins first/);
  assert.is((JSON.parse(d.storage.read("bttn.json")!) as DeviceFile).wifi!.ssid, "first");
});

test("the button held at power-on: setup mode with the current settings on the page; left alone, back to normal mode", async () => {
  const withWifi: DeviceFile = { ...fileWithoutWifi(), relay: { host: "127.0.0.1", port: ctx.r.mqttPort }, wifi: { ssid: "home", password: "pass-word" } };
  const d = boot(withWifi, { held: true, holdMs: 4000, idleMs: 1500 });
  await sleep(1000);
  assert.is(d.board.boots(), 1);
  assert.equal(d.board.patterns, [], "nothing yet: still timing the hold");
  const url = await d.url;
  const page = await http(url, "GET");
  assert.match(page.text, /name=ssid required maxlength=32 value="home"/);
  assert.not.match(page.text, /pass-word/, "the password is never shown");
  assert.match(page.text, new RegExp('name=port inputmode=numeric value="' + ctx.r.mqttPort + '"'));
  await until(() => d.board.boots() === 2 && !!d.board.app(), 5000, "back to normal mode after the idle time");
  assert.is(d.storage.read("bttn.json"), JSON.stringify(withWifi), "the file is as it was");
  await until(() => d.board.app()!.link() === "up", 5000, "link up");
});

test("no bttn.json at all: no setup mode (no id or secret to keep), said on the console and the LED", async () => {
  const d = boot(undefined);
  // Said at once, at boot (checked before the slow red's first second is over).
  assert.match(d.logs.join("\n"), /bttn\.json: missing/);
  assert.ok(d.board.hw().pwm[21] === 1, "red on");
  await sleep(300);
  assert.is(d.board.hw().ap, undefined, "no access point");
  assert.is(d.board.boots(), 1);
});

test("the simulator CLI with --setup: prints the page's URL, and after the save runs the press on the saved file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bttn-setup-cli-"));
  try {
    const config = join(dir, "hall.json");
    writeFileSync(config, JSON.stringify(fileWithoutWifi()));
    const p = spawn(process.execPath, ["--import", "tsx", "firmware/src/sim/cli.ts", "--config", config, "--setup", "--storage", join(dir, "flash"), "--press", "short", "--timeout", "10"], {
      cwd: join(import.meta.dirname, ".."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    const exited = new Promise<number | null>((r) => p.on("close", r));
    try {
      await until(() => /setup page: (http:\/\/127\.0\.0\.1:\d+\/)/.test(out), 20000, "the setup page's URL");
      const url = /setup page: (\S+)/.exec(out)![1];
      assert.match(out, /led: setup/);
      assert.match((await http(url, "GET")).text, /<form/);
      const saved = await http(url, "POST", form({ ssid: "home", password: "pass-word", port: String(ctx.r.mqttPort) }));
      assert.is(saved.status, 200);
      const code = await Promise.race([exited, sleep(20000).then(() => "timeout")]);
      assert.is(code, 0, out + err);
      assert.match(out, /restarted in normal mode: relay 127\.0\.0\.1:\d+/);
      assert.match(out, /\nok\n/);
      const kept = JSON.parse(readFileSync(join(dir, "flash", "bttn.json"), "utf8")) as DeviceFile;
      assert.equal(kept.wifi, { ssid: "home", password: "pass-word" });
      assert.not.match(out + err, /pass-word|hall-secret/, "no secret printed");
    } finally {
      p.kill();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
