// A labelled form field with its help and the API's complaint about it, tied together for screen
// readers (aria-describedby, aria-invalid). Fields are found by the API's field path: `errors`
// maps a path such as "http.url" to its message.
import type { ComponentChildren } from "preact";

export type Errors = Record<string, string>;

export function describedBy(id: string, help?: unknown, error?: string): string | undefined {
  const ids = [help ? id + "-help" : "", error ? id + "-error" : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

export function Field({ id, label, help, error, children, class: cls }: { id: string; label: ComponentChildren; help?: ComponentChildren; error?: string; children: ComponentChildren; class?: string }) {
  return (
    <div class={"field" + (error ? " field-bad" : "") + (cls ? " " + cls : "")}>
      <label for={id}>{label}</label>
      {children}
      <FieldNotes id={id} help={help} error={error} />
    </div>
  );
}

/** What goes under an input: its help, then the API's complaint (the ids `aria` names). */
export function FieldNotes({ id, help, error }: { id: string; help?: ComponentChildren; error?: string }) {
  return (
    <>
      {help && (
        <p id={id + "-help"} class="help">
          {help}
        </p>
      )}
      <FieldError id={id} error={error} />
    </>
  );
}

export function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p id={id + "-error"} class="error">
      {error}
    </p>
  ) : null;
}

/** The props that tie an input to its help and error. */
export function aria(id: string, help: unknown, error: string | undefined) {
  return { id, "aria-describedby": describedBy(id, help, error), "aria-invalid": error ? ("true" as const) : undefined };
}
