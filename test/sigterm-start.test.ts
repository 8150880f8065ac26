// SIGTERM while the relay starts (systemd stopping a service that is starting, or a signal right
// after "relay started" was printed): the relay finishes its start, then stops as it always does,
// and exits 0; it is not killed half-way by the signal's default action.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { CLI } from "./support/cli";
import { freePort } from "./support/daemon";
import { tempDir } from "./support/temp";

/** Starts the relay and sends SIGTERM as soon as its output matches `when`. */
async function termWhen(when: RegExp): Promise<{ code: number | null; signal: string | null; out: string }> {
  const dir = tempDir("sigterm-start");
  try {
    const env = { ...process.env, BTTN_DATA: join(dir.path, "data"), BTTN_MQTT_PORT: String(await freePort()), BTTN_HTTP_PORT: String(await freePort()), BTTN_HOST: "127.0.0.1", BTTN_LOG_LEVEL: "info" };
    const child = spawn(process.execPath, [CLI, "run"], { cwd: dir.path, env, stdio: ["ignore", "ignore", "pipe"] });
    let out = "";
    let sent = false;
    child.stderr!.on("data", (d) => {
      out += d;
      if (!sent && when.test(out)) {
        sent = true;
        child.kill("SIGTERM");
      }
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const [code, signal] = await new Promise<[number | null, string | null]>((res) => child.on("close", (c, s) => res([c, s])));
    clearTimeout(timer);
    return { code, signal, out };
  } finally {
    dir.remove();
  }
}

test("SIGTERM at the first line of a start (the database just made): the start ends, then a clean stop", async () => {
  const r = await termWhen(/created a new, empty one/);
  assert.is(r.signal, null, "not killed by the signal:\n" + r.out);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /relay started[\s\S]*received SIGTERM[\s\S]*relay stopped/);
});

test("SIGTERM the moment \"relay started\" is printed: a clean stop", async () => {
  for (let i = 0; i < 3; i++) {
    const r = await termWhen(/relay started/);
    assert.is(r.signal, null, "not killed by the signal:\n" + r.out);
    assert.is(r.code, 0, r.out);
    assert.match(r.out, /received SIGTERM[\s\S]*relay stopped/);
  }
});

test.run();
