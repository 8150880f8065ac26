// Where the tag picker writes: the text field (URL, argument, header, raw body) the person was in
// last, and how to change its value through the form's state (the fields are controlled by it).
export interface InsertTarget {
  el: HTMLInputElement | HTMLTextAreaElement;
  set(value: string): void;
}

let target: InsertTarget | undefined;

/** onFocus of a field that takes tags. */
export function takesTags(set: (value: string) => void) {
  return (e: FocusEvent) => {
    target = { el: e.currentTarget as HTMLInputElement | HTMLTextAreaElement, set };
  };
}

/** Puts `text` at the cursor (replacing a selection) of the last field, and goes back to it. */
export function insertAtCursor(text: string): boolean {
  const t = target;
  if (!t || !t.el.isConnected) return false;
  const v = t.el.value;
  const start = t.el.selectionStart ?? v.length;
  const end = t.el.selectionEnd ?? start;
  t.set(v.slice(0, start) + text + v.slice(end));
  const caret = start + text.length;
  requestAnimationFrame(() => {
    t.el.focus();
    t.el.setSelectionRange(caret, caret);
  });
  return true;
}

export function forgetTarget(): void {
  target = undefined;
}
