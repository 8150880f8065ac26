// Renaming: the API replaces a bttn's whole definition (PUT /bttns/{id}), so the page sends back what
// it read with the new name and location. What the relay never shows back (a password, a secret
// header or argument) would be written as "[redacted]": the page refuses then and says so.
import { useState } from "preact/hooks";
import { ApiProblem, messageOf, put, seg } from "../api";
import { aria, Field } from "../field";
import type { BttnInfo } from "../types";

const NOT_PROPS = new Set(["id", "origin", "events", "createdAt", "updatedAt", "actions", "device"]);

/** The definition to PUT, or why it cannot be sent whole. */
export function definitionOf(b: BttnInfo, name: string, location: string): { body?: Record<string, unknown>; refused?: string } {
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(b)) if (!NOT_PROPS.has(k) && v !== undefined) props[k] = v;
  props.name = name.trim() || undefined;
  props.location = location.trim() || undefined;
  const actions = b.actions ?? {};
  if (/\[redacted\]|%5Bredacted%5D/i.test(JSON.stringify(actions)))
    return { refused: "Its actions hold secrets the relay never shows back (a password, a key in a header, argument or URL): renaming here would overwrite them. Remove those secrets from the actions, rename, then set them again." };
  return { body: { ...props, actions, device: b.device } };
}

export function Rename({ b, onRenamed }: { b: BttnInfo; onRenamed: () => void }) {
  const [name, setName] = useState(b.name ?? "");
  const [location, setLocation] = useState(b.location ?? "");
  const [error, setError] = useState<{ field?: string; text: string } | undefined>();
  const [done, setDone] = useState("");

  const submit = async (e: Event) => {
    e.preventDefault();
    setDone("");
    const d = definitionOf(b, name, location);
    if (!d.body) return setError({ text: d.refused! });
    try {
      await put("/bttns/" + seg(b.id), d.body);
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
