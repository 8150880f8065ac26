// An outcome in colour and in words (never colour alone): ok (green), failed with its reason (red),
// pending (amber).
import { outcomeKind, outcomeText } from "./format";
import type { PressState } from "./types";

export function Outcome({ state, reason }: { state: PressState | "waiting" | "running"; reason?: string | null }) {
  const kind = outcomeKind(state);
  return (
    <span class={"outcome outcome-" + kind} data-state={kind}>
      <span aria-hidden="true">{kind === "ok" ? "✔ " : kind === "fail" ? "✖ " : "… "}</span>
      {outcomeText(state, reason)}
    </span>
  );
}
