// The relay's HTTP listener does not let clients hold connections: a silent connection or one
// that never finishes its headers is closed after the headers timeout, an idle keep-alive one
// after the keep-alive timeout, and connections beyond the cap are closed as they arrive.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { HTTP_LIMITS } from "../relay/src/http/server";
import { startRig, Rig } from "./support/relay-rig";
import { openSocket, OpenSocket } from "./support/sockets";
import { sleep, waitFor } from "./support/temp";

type Ctx = { rig: Rig };
const t = suite<Ctx>("http listener limits");

t.before(async (ctx) => {
  ctx.rig = await startRig("embedded", () => ({}));
});
t.after(async (ctx) => ctx.rig?.close());

t("silent, half-sent and idle keep-alive connections are closed after their timeouts", async ({ rig }) => {
  const port = rig.relay.httpPort;
  const [silent, partial, keptAlive] = await Promise.all([
    openSocket(port),
    openSocket(port, "GET /healthz HTTP/1.1\r\nHost: relay\r\n"),
    openSocket(port, "GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n"),
  ]);
  // Generous upper bounds (a loaded machine); before these limits the first two stayed 30-45 s.
  const bound = HTTP_LIMITS.headersTimeoutMs + 5_000;
  const [s, p, k] = await Promise.all([silent.closedAfter(bound + 5_000), partial.closedAfter(bound + 5_000), keptAlive.closedAfter(bound + 5_000)]);
  assert.ok(s >= HTTP_LIMITS.headersTimeoutMs - 1_000 && s <= bound, "silent connection closed after " + s + " ms");
  assert.ok(p >= HTTP_LIMITS.headersTimeoutMs - 1_000 && p <= bound, "half-sent request closed after " + p + " ms");
  assert.ok(k >= HTTP_LIMITS.keepAliveTimeoutMs - 1_000 && k <= HTTP_LIMITS.keepAliveTimeoutMs + 5_000, "idle keep-alive connection closed after " + k + " ms");
});

t("connections beyond the cap are closed at once; the relay answers again when they are gone", async ({ rig }) => {
  const port = rig.relay.httpPort;
  const extra = 20;
  const sockets: OpenSocket[] = [];
  try {
    // Sequentially, so the server counts them in order and exactly the last `extra` are over the cap.
    for (let i = 0; i < HTTP_LIMITS.maxConnections + extra; i++) sockets.push(await openSocket(port));
    const closed = await Promise.all(sockets.map((s) => s.closedAfter(2_000)));
    const cut = closed.filter((ms) => ms < 2_000).length;
    assert.is(cut, extra, "connections closed at once");
    assert.ok(
      closed.slice(HTTP_LIMITS.maxConnections).every((ms) => ms < 2_000),
      "the ones over the cap are the ones closed",
    );
    await waitFor(() => rig.logs.find((l) => l.includes("too many connections")), 2_000, "the drop warning");
    assert.is(rig.logs.filter((l) => l.includes("too many connections")).length, 1, "logged once, not per connection");
  } finally {
    for (const s of sockets) s.socket.destroy();
  }
  // The server counts a connection gone when its close event runs: allow it a moment.
  let status = 0;
  for (let i = 0; i < 50 && status !== 200; i++) status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, async () => (await sleep(100), 0));
  assert.is(status, 200);
});

t.run();
