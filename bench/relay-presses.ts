// How many presses one relay took: its /metrics counter bttn_presses_total (events recorded for the
// first time, so a press another member of the group already had is not counted twice), summed
// over its bttns. The relays of the benchmark run with --metrics-open.
import { parsePrometheusText } from "../test/support/prometheus-text";

export async function pressesTaken(httpPort: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics on the relay at port ${httpPort}: ${res.status}`);
  const family = parsePrometheusText(await res.text()).get("bttn_presses_total");
  return (family?.samples ?? []).filter((s) => s.labels.type === "pressed").reduce((n, s) => n + s.value, 0);
}
