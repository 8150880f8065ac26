// Key/value rows (arguments, headers): add, edit and remove a row; with `jsonToggle`, a row's value
// may be JSON (a number, true, an array) rather than text.
import type { Row } from "./draft";
import { emptyRow } from "./draft";
import { takesTags } from "./insert-target";

export function Rows({ id, rows, set, keyLabel, valueLabel, jsonToggle, disabled }: { id: string; rows: Row[]; set: (rows: Row[]) => void; keyLabel: string; valueLabel: string; jsonToggle?: boolean; disabled?: boolean }) {
  const change = (i: number, patch: Partial<Row>) => set(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const remove = (i: number) => set(rows.length > 1 ? rows.filter((_, j) => j !== i) : [emptyRow()]);
  return (
    <div class="rows">
      {rows.map((r, i) => (
        <div class="row" key={i} role="group" aria-label={keyLabel + " and " + valueLabel.toLowerCase() + " " + (i + 1)}>
          <label class="visually-hidden" for={id + "-k" + i}>
            {keyLabel} {i + 1}
          </label>
          <input id={id + "-k" + i} class="row-key" placeholder={keyLabel} value={r.key} disabled={disabled} autoComplete="off" onInput={(e) => change(i, { key: e.currentTarget.value })} />
          <label class="visually-hidden" for={id + "-v" + i}>
            {valueLabel} {i + 1}
          </label>
          <input
            id={id + "-v" + i}
            class="row-value"
            placeholder={valueLabel}
            value={r.value}
            disabled={disabled}
            autoComplete="off"
            onInput={(e) => change(i, { value: e.currentTarget.value })}
            onFocus={takesTags((value) => change(i, { value }))}
          />
          {jsonToggle && (
            <label class="row-json">
              <input type="checkbox" checked={r.json} disabled={disabled} onChange={(e) => change(i, { json: e.currentTarget.checked })} /> JSON
            </label>
          )}
          <button type="button" class="link" disabled={disabled} onClick={() => remove(i)} aria-label={"Remove " + keyLabel.toLowerCase() + " " + (i + 1) + (r.key ? " (" + r.key + ")" : "")}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" class="small" disabled={disabled} onClick={() => set([...rows, emptyRow()])}>
        Add {keyLabel.toLowerCase()}
      </button>
    </div>
  );
}
