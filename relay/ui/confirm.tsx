// A button that asks once more before it does something that cannot be undone (a new secret,
// removing a bttn): the question, a "yes" that acts, and Cancel, which gives the button back.
import type { ComponentChildren } from "preact";

export function Confirm(props: {
  /** The question is showing. */
  asking: boolean;
  setAsking: (asking: boolean) => void;
  /** The button that starts it, e.g. "Remove bttn…". */
  label: string;
  /** Its class: "secondary" or "danger". */
  kind: "secondary" | "danger";
  /** For screen readers: what the group confirms. */
  groupLabel: string;
  question: ComponentChildren;
  yes: ComponentChildren;
  onYes: () => void;
}) {
  if (!props.asking)
    return (
      <p>
        <button type="button" class={props.kind} onClick={() => props.setAsking(true)}>
          {props.label}
        </button>
      </p>
    );
  return (
    <div class="confirm" role="group" aria-label={props.groupLabel}>
      <p>{props.question}</p>
      <button type="button" class="danger" autoFocus onClick={props.onYes}>
        {props.yes}
      </button>
      <button type="button" class="secondary" onClick={() => props.setAsking(false)}>
        Cancel
      </button>
    </div>
  );
}
