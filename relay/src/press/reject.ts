// A message the relay will not handle: counted, and logged with its reason, summarised per topic and
// reason (a device, or any client of an external broker, can repeat it fast).
import type { PressDeps } from "./deps";

export function reject(d: Pick<PressDeps, "stats" | "log">, topic: string, why: string): void {
  d.stats.rejected++;
  d.log.repeated("rejected|" + topic.slice(0, 100) + "|" + why.slice(0, 100), "messages rejected on " + topic.slice(0, 100) + " for the same reason", "warn", "message rejected", { topic, why });
}
