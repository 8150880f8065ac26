// The tag picker: every tag with what it becomes; choosing one inserts it at the cursor of the URL,
// argument, header or raw body field the person was in last.
import { useState } from "preact/hooks";
import { insertAtCursor } from "./insert-target";
import { TAGS } from "./tags";

export function TagPicker() {
  const [note, setNote] = useState("");
  const pick = (tag: string) => setNote(insertAtCursor("<" + tag + ">") ? "" : "Click into the URL, an argument, a header or the raw body first, then pick the tag.");
  return (
    <details class="tags">
      <summary>Tags: insert a value of the press (date, counter, callback URL…)</summary>
      <p class="help" id="tags-help">
        Picking a tag puts it at the cursor of the URL, argument, header or body field you were in last. Unknown tags stay as written; write <code>&lt;&lt;TAG&gt;</code> for a literal <code>&lt;TAG&gt;</code>.
      </p>
      {note && (
        <p class="error" role="alert">
          {note}
        </p>
      )}
      <ul class="tag-list">
        {TAGS.map((t) => (
          <li key={t.tag}>
            <button type="button" class="tag" aria-describedby={"tag-" + t.tag} onMouseDown={(e) => e.preventDefault()} onClick={() => pick(t.tag)}>
              &lt;{t.tag}&gt;
            </button>{" "}
            <span id={"tag-" + t.tag}>{t.means}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
