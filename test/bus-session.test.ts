// Which MQTT session the relay keeps at an external broker (bus/external.ts), looked at from the
// broker: after the relay left, a login with its client id and clean=false hears whether a session
// was kept (CONNACK's sessionPresent).
// - Alone: a persistent session, so presses sent while the relay restarts wait for it.
// - In a group (shareGroup): a clean one. A persistent member that dies keeps its share of the
//   group's presses: mosquitto goes on handing it one press in N, queued for a member that is gone
//   (group-faults.test.ts saw a third of all presses lost after one of three relays was killed -9).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import mqtt from "mqtt";
import { ExternalBus } from "../relay/src/bus/external";
import { PressGate } from "../relay/src/limits/press-gate";
import { createLogger } from "../relay/src/log";
import { startMosquitto, Mosquitto } from "./support/mosquitto";
import { RELAY_USER } from "./support/relay-rig";

const t = suite<{ mosq: Mosquitto }>("the relay's session at an external broker");

t.before(async (ctx) => {
  ctx.mosq = await startMosquitto({ [RELAY_USER.username]: RELAY_USER.password });
});
t.after(async (ctx) => ctx.mosq?.stop());

/** Starts a bus with this client id, closes it, and asks the broker whether its session was kept. */
async function sessionKept(mosq: Mosquitto, clientId: string, shareGroup: string | undefined): Promise<boolean> {
  const log = createLogger("error");
  const bus = new ExternalBus({ url: mosq.url, username: RELAY_USER.username, password: RELAY_USER.password, clientId, prefix: "bttn", shareGroup, log, gate: new PressGate(16, log) });
  await bus.start(() => {});
  await bus.close();
  const probe = mqtt.connect({ host: "127.0.0.1", port: mosq.port, username: RELAY_USER.username, password: RELAY_USER.password, clientId, clean: false, protocolVersion: 4, reconnectPeriod: 0 });
  try {
    const connack = await new Promise<{ sessionPresent: boolean }>((res, rej) => {
      probe.once("connect", res);
      probe.once("error", rej);
    });
    return connack.sessionPresent;
  } finally {
    await probe.endAsync();
  }
}

t("alone: a persistent session (presses wait at the broker while the relay restarts)", async ({ mosq }) => {
  assert.is(await sessionKept(mosq, "bttn-relay-alone", undefined), true);
});

t("in a group: a clean session (a member that dies takes no share of the presses with it)", async ({ mosq }) => {
  assert.is(await sessionKept(mosq, "bttn-relay-member", "bttn-test"), false);
});

t.run();
