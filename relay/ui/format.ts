// How values read on the page: times in the browser's zone, outcomes in words and colour.
import type { PressState } from "./types";

export function when(t: string | number | null | undefined): string {
  if (t === null || t === undefined) return "never";
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}

export const EVENT_LABELS: Record<string, string> = {
  pressed: "Pressed",
  "pressed-long": "Pressed long",
  "pressed-double": "Pressed twice",
  "not-pressed": "Not pressed in time",
  heartbeat: "Heartbeat",
};

export const label = (type: string) => EVENT_LABELS[type] ?? type;

/** The feed's words for an event's state, in the live stream's words. */
export function pressStateOf(feedState: "running" | "waiting" | "ok" | "fail"): PressState {
  return feedState === "running" ? "taken" : feedState === "waiting" ? "pending" : feedState;
}

export function outcomeText(state: PressState | "waiting" | "running", reason?: string | null): string {
  if (state === "ok") return "ok";
  if (state === "fail") return "failed" + (reason ? ": " + reason : "");
  if (state === "pending" || state === "waiting") return "pending (waiting for the answer)";
  return "running";
}

/** `ok`, `fail` or `pending`, for the outcome's colour (data-state). */
export function outcomeKind(state: string): "ok" | "fail" | "pending" {
  return state === "ok" ? "ok" : state === "fail" ? "fail" : "pending";
}
