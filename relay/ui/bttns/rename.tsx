// Renaming: the API replaces a bttn's whole definition (PUT /bttns/{id}), so the page sends back what
// it read with the new name and location. Secrets in its actions come back as "[redacted]", which
// the API reads as "keep the stored value" (write-only secrets).
import { useState } from "preact/hooks";
import { ApiProblem, messageOf, put, seg } from "../api";
import { aria, Field } from "../field";
import type { BttnInfo } from "../types";

const NOT_PROPS = new Set(["id", "origin", "events", "createdAt", "updatedAt", "actions", "device"]);

/** The definition to PUT: what was read, with the new name and location. */
export function definitionOf(b: BttnInfo, name: string, location: string): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(b)) if (!NOT_PROPS.has(k) && v !== undefined) props[k] = v;
  props.name = name.trim() || undefined;
  props.location = location.trim() || undefined;
  return { ...props, actions: b.actions ?? {}, device: b.device };
}

export function Rename({ b, onRenamed }: { b: BttnInfo; onRenamed: () => void }) {
  const [name, setName] = useState(b.name ?? "");
  const [location, setLocation] = useState(b.location ?? "");
  const [error, setError] = useState<{ field?: string; text: string } | undefined>();
  const [done, setDone] = useState("");

  const submit = async (e: Event) => {
    e.preventDefault();
    setDone("");
    try {
      await put("/bttns/" + seg(b.id), definitionOf(b, name, location));
      setError(undefined);
      setDone("Saved.");
      onRenamed();
    } catch (err) {
      const field = err instanceof ApiProblem && (err.path === "name" || err.path === "location") ? err.path : undefined;
      setError({ field, text: messageOf(err) });
    }
  };
  const fieldError = (f: string) => (error?.field === f ? error.text : undefined);
  return (
    <form class="form rename" onSubmit={submit} noValidate aria-label="Rename">
      <div class="pair">
        <Field id="rename-name" label="Name" error={fieldError("name")}>
          <input {...aria("rename-name", false, fieldError("name"))} autoComplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field id="rename-location" label="Location" error={fieldError("location")}>
          <input {...aria("rename-location", false, fieldError("location"))} autoComplete="off" value={location} onInput={(e) => setLocation(e.currentTarget.value)} />
        </Field>
      </div>
      {error && !error.field && (
        <p class="error" role="alert">
          {error.text}
        </p>
      )}
      {done && (
        <p class="done" role="status">
          {done}
        </p>
      )}
      <button type="submit" class="secondary">
        Rename
      </button>
    </form>
  );
}
