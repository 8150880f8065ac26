// Adding a bttn: its id and a few properties, and what its device file needs (Wi-Fi; the relay's
// address when devices reach it by another name). The answer's secret and device file are shown
// once (SecretOnce).
import { useState } from "preact/hooks";
import { ApiProblem, messageOf, post } from "../api";
import { aria, Errors, Field } from "../field";
import { href } from "../route";
import type { BttnCreated } from "../types";
import { SecretOnce } from "./secret-once";

const FIELDS: Array<{ path: string; label: string; help?: string; type?: "text" | "password"; required?: boolean; autoComplete?: string }> = [
  { path: "id", label: "Id", help: "Letters, digits, - and _, at most 32 characters: the device logs in with it.", required: true },
  { path: "name", label: "Name", help: "Shown here and in the <NAME> tag." },
  { path: "location", label: "Location", help: "The <LOCATION> tag." },
  { path: "deviceFile.wifi.ssid", label: "Wi-Fi network (SSID)", help: "Written into the device file." },
  { path: "deviceFile.wifi.password", label: "Wi-Fi password", type: "password", autoComplete: "new-password" },
  { path: "deviceFile.relayHost", label: "Relay address for the device", help: "Leave empty for the relay's LAN address." },
];

const fieldId = (path: string) => "add-" + path.replace(/\./g, "-");

function bodyOf(v: Record<string, string>) {
  const t = (k: string) => v[k]?.trim() || undefined;
  const ssid = t("deviceFile.wifi.ssid");
  const wifi = ssid ? { ssid, password: v["deviceFile.wifi.password"] || undefined } : undefined;
  const relayHost = t("deviceFile.relayHost");
  return { id: v.id?.trim() ?? "", name: t("name"), location: t("location"), deviceFile: wifi || relayHost ? { wifi, relayHost } : undefined };
}

export function AddBttn() {
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Errors>({});
  const [problem, setProblem] = useState("");
  const [made, setMade] = useState<BttnCreated | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setProblem("");
    try {
      setMade(await post<BttnCreated>("/bttns", bodyOf(values)));
    } catch (err) {
      if (err instanceof ApiProblem && err.path !== undefined && FIELDS.some((f) => f.path === err.path)) {
        const errs: Errors = {};
        for (const i of err.issues) errs[i.path] = i.message;
        errs[err.path] ??= err.message;
        setErrors(errs);
        document.getElementById(fieldId(err.path))?.focus();
      } else if (err instanceof ApiProblem && err.status === 409) {
        setErrors({ id: err.message });
        document.getElementById(fieldId("id"))?.focus();
      } else setProblem(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (made)
    return (
      <section aria-labelledby="add-title">
        <h1 id="add-title" tabIndex={-1}>
          Bttn {made.bttn.id} added
        </h1>
        <SecretOnce id={made.bttn.id} secret={made.secret} deviceFile={made.deviceFile} title="Its secret and device file" />
        <p>
          <a class="button" href={href("bttn", made.bttn.id)}>
            Set its actions
          </a>{" "}
          <a href={href()}>Back to the bttns</a>
        </p>
      </section>
    );

  return (
    <section aria-labelledby="add-title">
      <h1 id="add-title" tabIndex={-1}>
        Add a bttn
      </h1>
      <form onSubmit={submit} noValidate class="form">
        {FIELDS.map((f) => {
          const id = fieldId(f.path);
          const msg = errors[f.path];
          return (
            <Field key={f.path} id={id} label={f.label + (f.required ? " (required)" : "")} help={f.help} error={msg}>
              {(() => {
                const props = {
                  ...aria(id, f.help, msg),
                  autoComplete: f.autoComplete ?? "off",
                  required: f.required,
                  value: values[f.path] ?? "",
                  onInput: (e: Event) => setValues({ ...values, [f.path]: (e.currentTarget as HTMLInputElement).value }),
                };
                return f.type === "password" ? <input type="password" {...props} /> : <input type="text" {...props} />;
              })()}
            </Field>
          );
        })}
        {problem && (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? "Adding…" : "Add bttn"}
          </button>
          <a href={href()}>Cancel</a>
        </div>
      </form>
    </section>
  );
}
