// The bus's message handler: checks the topic and the size, then hands the message to the handler
// of its topic's kind (on-event.ts, on-status.ts). Nothing here throws back into the broker.
import { MAX_PAYLOAD, parseTopic, TopicKind } from "@bttn/shared";
import type { PressDeps } from "./deps";
import { reject } from "./reject";

/**
 * Handles one message of a bttn. `done` is called once the message is handled: for a press, when it
 * is answered (or waits for an async callback); the bus's backpressure counts on it.
 */
export type TopicHandler = (bttnId: string, topic: string, text: string, done: () => void) => void;

export type OnMessage = (topic: string, payload: Buffer, done?: () => void) => void;

const noop = () => {};

/** Kinds without a handler (our own `result` and `config` publishes) are not delivered to the relay. */
export function routeByKind(d: Pick<PressDeps, "prefix" | "stats" | "log">, handlers: Partial<Record<TopicKind, TopicHandler>>): OnMessage {
  return (topic, payload, done = noop) => {
    const t = parseTopic(d.prefix, topic);
    if (!t) {
      reject(d, topic, "topic is not <prefix>/<bttn id>/event or status");
      return done();
    }
    if (payload.length > MAX_PAYLOAD) {
      reject(d, topic, "payload: " + payload.length + " bytes, larger than " + MAX_PAYLOAD);
      return done();
    }
    const handle = handlers[t.kind];
    if (!handle) return done();
    handle(t.id, topic, payload.toString("utf8"), done);
  };
}
