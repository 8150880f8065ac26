// Who may do what on the embedded broker: a bttn (MQTT username = its id) publishes only its own
// event and status, and subscribes only to its own result and config. Nothing else is allowed.
import { parseTopic } from "@bttn/shared";

export function mayPublish(prefix: string, bttnId: string, topic: string): boolean {
  const t = parseTopic(prefix, topic);
  return !!t && t.id === bttnId && (t.kind === "event" || t.kind === "status");
}

export function maySubscribe(prefix: string, bttnId: string, topic: string): boolean {
  const t = parseTopic(prefix, topic);
  return !!t && t.id === bttnId && (t.kind === "result" || t.kind === "config");
}
