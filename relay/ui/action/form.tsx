// Set action: one event type's HTTP action, every option the engine has (README's `http` field
// table; action/fields.ts names the control of each). The API checks what is sent and names the bad
// field; the message shows beside that field and the focus goes there. Preview asks the relay what
// a press would send now. For a bttn the config file owns, the same form shows read-only.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiProblem, del, messageOf, post, put, seg } from "../api";
import { aria, Field, FieldError, FieldNotes } from "../field";
import { label } from "../format";
import type { BttnInfo, HttpAction, Preview } from "../types";
import { buildHttp, Draft, draftOf } from "./draft";
import { DynamicNow } from "./dynamic-now";
import { controlFor } from "./fields";
import { forgetTarget, takesTags } from "./insert-target";
import { PreviewView } from "./preview";
import { Rows } from "./rows";
import { TagPicker } from "./tag-picker";

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"];

function focusControl(id: string) {
  const el = document.getElementById(id);
  const target = el && (el.matches("input, select, textarea") ? el : el.querySelector<HTMLElement>("input, select, textarea"));
  (target as HTMLElement | null)?.focus();
}

function Check({ id, checked, onChange, children, help, error }: { id: string; checked: boolean; onChange: (v: boolean) => void; children: ComponentChildren; help?: ComponentChildren; error?: string }) {
  return (
    <div class={"field check" + (error ? " field-bad" : "")}>
      <input type="checkbox" {...aria(id, help, error)} checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
      <label for={id}>{children}</label>
      <FieldNotes id={id} help={help} error={error} />
    </div>
  );
}

export interface ActionFormProps {
  bttn: string;
  event: string;
  stored?: HttpAction;
  readOnly: boolean;
  onSaved: (info?: BttnInfo) => void;
}

export function ActionForm({ bttn, event, stored, readOnly, onSaved }: ActionFormProps) {
  const [d, setD] = useState<Draft>(() => draftOf(stored));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState("");
  const [done, setDone] = useState("");
  const [preview, setPreview] = useState<Preview | undefined>();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setD(draftOf(stored));
    setErrors({});
    setProblem("");
    setPreview(undefined);
    setConfirmRemove(false);
  }, [bttn, event, stored]);
  useEffect(() => forgetTarget, []);

  const set = (patch: Partial<Draft>) => {
    setD((cur) => ({ ...cur, ...patch }));
    setDone("");
  };
  const base = "/bttns/" + seg(bttn) + "/actions/" + seg(event);

  /** Errors the page found or the API named, shown by their fields; the first gets the focus. */
  const showProblems = (errs: Record<string, string>, general = "") => {
    setErrors(errs);
    setProblem(general);
    const first = Object.keys(errs)[0];
    if (first) setTimeout(() => focusControl(first), 0);
  };

  const fromApi = (e: unknown) => {
    if (!(e instanceof ApiProblem)) return showProblems({}, messageOf(e));
    const errs: Record<string, string> = {};
    for (const i of e.issues) {
      const c = controlFor(i.path);
      if (c) errs[c] ??= i.message;
    }
    const c = e.path !== undefined ? controlFor(e.path) : undefined;
    if (c) errs[c] ??= e.message.replace(/^[^:]*: /, "");
    showProblems(errs, Object.keys(errs).length ? "" : e.status === 404 && /preview/.test(e.message) ? "This relay cannot preview actions yet." : e.message);
  };

  const run = async (what: "save" | "preview") => {
    // Read-only (a config-file bttn): the preview is of the stored action, secrets and all.
    const built = readOnly ? { http: undefined, errors: {} } : buildHttp(d);
    if (!readOnly && !built.http) return showProblems(built.errors, "Some fields need a change (see below each).");
    setBusy(true);
    setDone("");
    try {
      if (what === "preview") {
        showProblems({});
        setPreview(await post<Preview>(base + "/preview", built.http ? { http: built.http } : {}));
        setTimeout(() => document.getElementById("preview-title")?.focus(), 0);
      } else {
        const info = await put<BttnInfo>(base, { http: built.http });
        showProblems({});
        setDone("Saved.");
        onSaved(info);
      }
    } catch (e) {
      fromApi(e);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    try {
      await del(base);
      setConfirmRemove(false);
      onSaved();
    } catch (e) {
      fromApi(e);
    } finally {
      setBusy(false);
    }
  };

  const err = (id: string) => errors[id];
  const submit = (e: Event) => {
    e.preventDefault();
    run("save");
  };

  return (
    <form class="form action-form" onSubmit={submit} noValidate aria-labelledby="action-title">
      <h2 id="action-title">
        {label(event)}: {stored ? "its action" : "no action yet"}
      </h2>
      <fieldset class="plain" disabled={readOnly}>
        <fieldset>
          <legend>Where to send</legend>
          <div class="radios">
            <label>
              <input type="radio" name="urlMode" value="static" checked={d.urlMode === "static"} onChange={() => set({ urlMode: "static" })} /> A URL
            </label>
            <label>
              <input type="radio" name="urlMode" value="dynamic" checked={d.urlMode === "dynamic"} onChange={() => set({ urlMode: "dynamic" })} /> Dynamic: the webhook a server registered with an API key
            </label>
          </div>
          {d.urlMode === "static" ? (
            <Field id="act-url" label="URL" help="http:// or https://; tags allowed, such as http://ha.lan:8123/api/webhook/kitchen?n=<COUNTER>." error={err("act-url")}>
              <input {...aria("act-url", true, err("act-url"))} type="text" inputMode="url" autoComplete="off" spellcheck={false} value={d.url} onInput={(e) => set({ url: e.currentTarget.value })} onFocus={takesTags((url) => set({ url }))} />
            </Field>
          ) : (
            <>
              <DynamicNow bttn={bttn} />
              <FieldError id="act-url" error={err("act-url")} />
              <Field
                id="act-dynamicOrigins"
                label="Allowed origins (one a line, optional)"
                help="With credentials or headers, the relay calls a registered webhook only at these origins (https://host:port), so they go nowhere else."
                error={err("act-dynamicOrigins")}
              >
                <textarea {...aria("act-dynamicOrigins", true, err("act-dynamicOrigins"))} rows={2} spellcheck={false} value={d.dynamicOrigins} onInput={(e) => set({ dynamicOrigins: e.currentTarget.value })} />
              </Field>
            </>
          )}
        </fieldset>

        <div class="pair">
          <Field id="act-method" label="Method" error={err("act-method")}>
            <select {...aria("act-method", false, err("act-method"))} value={d.method} onChange={(e) => set({ method: e.currentTarget.value })}>
              {METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </Field>
          <Field id="act-format" label="Argument format" error={err("act-format")}>
            <select {...aria("act-format", false, err("act-format"))} value={d.format} onChange={(e) => set({ format: e.currentTarget.value as Draft["format"] })}>
              <option value="form">form (application/x-www-form-urlencoded)</option>
              <option value="json">JSON</option>
            </select>
          </Field>
        </div>

        <fieldset id="act-args" aria-describedby={err("act-args") ? "act-args-error" : undefined}>
          <legend>Arguments</legend>
          <p class="help">GET and DELETE put them in the query string; other methods send them as the body.</p>
          <div class="radios">
            <label>
              <input type="radio" name="argsMode" value="rows" checked={d.argsMode === "rows"} onChange={() => set({ argsMode: "rows" })} /> Name and value rows
            </label>
            <label>
              <input type="radio" name="argsMode" value="raw" checked={d.argsMode === "raw"} onChange={() => set({ argsMode: "raw" })} /> A raw body template
            </label>
          </div>
          {d.argsMode === "rows" ? (
            <Rows id="act-args-row" rows={d.args} set={(args) => set({ args })} keyLabel="Argument" valueLabel="Value" jsonToggle={d.format === "json"} disabled={readOnly} />
          ) : (
            <>
              <label for="act-args-raw">Body template</label>
              <textarea id="act-args-raw" rows={4} spellcheck={false} value={d.rawArgs} onInput={(e) => set({ rawArgs: e.currentTarget.value })} onFocus={takesTags((rawArgs) => set({ rawArgs }))} />
            </>
          )}
          <FieldError id="act-args" error={err("act-args")} />
        </fieldset>

        <fieldset id="act-headers" aria-describedby={err("act-headers") ? "act-headers-error" : undefined}>
          <legend>Headers</legend>
          <Rows id="act-headers-row" rows={d.headers} set={(headers) => set({ headers })} keyLabel="Header" valueLabel="Value" disabled={readOnly} />
          <FieldError id="act-headers" error={err("act-headers")} />
        </fieldset>

        <TagPicker />

        <fieldset>
          <legend>Timing and answer</legend>
          <div class="pair">
            <Field id="act-timeout" label="Timeout (ms)" help="For the whole request: connect, TLS, answer, redirects. 100 to 60000." error={err("act-timeout")}>
              <input {...aria("act-timeout", true, err("act-timeout"))} type="number" inputMode="numeric" min={100} max={60000} value={d.timeout} onInput={(e) => set({ timeout: e.currentTarget.value })} />
            </Field>
            <Field id="act-maxResponseBytes" label="Read at most (bytes of the answer)" error={err("act-maxResponseBytes")}>
              <input {...aria("act-maxResponseBytes", false, err("act-maxResponseBytes"))} type="number" inputMode="numeric" min={0} value={d.maxResponseBytes} onInput={(e) => set({ maxResponseBytes: e.currentTarget.value })} />
            </Field>
          </div>
          <Check id="act-followRedirects" checked={d.followRedirects} onChange={(followRedirects) => set({ followRedirects })} help="Up to 5, never from https to http; credentials are not sent to another origin." error={err("act-followRedirects")}>
            Follow redirects
          </Check>
          <Check id="act-idempotencyKey" checked={d.idempotencyKey} onChange={(idempotencyKey) => set({ idempotencyKey })} help="Idempotency-Key: the press's identity, so a server can drop a repeat." error={err("act-idempotencyKey")}>
            Send an Idempotency-Key header
          </Check>
        </fieldset>

        <fieldset>
          <legend>Asynchronous</legend>
          <Check id="act-async" checked={d.async} onChange={(async) => set({ async })} help="The server answers 2xx at once and calls <CALLBACKURL> with the result later; the bttn shows pending until then." error={err("act-async")}>
            Wait for a callback
          </Check>
          {d.async && (
            <Field id="act-callbackTimeout" label="Callback timeout (ms)" help="1000 to 86400000; each Wait answer starts it again." error={err("act-callbackTimeout")}>
              <input {...aria("act-callbackTimeout", true, err("act-callbackTimeout"))} type="number" inputMode="numeric" min={1000} value={d.callbackTimeout} onInput={(e) => set({ callbackTimeout: e.currentTarget.value })} />
            </Field>
          )}
        </fieldset>

        <fieldset>
          <legend>HTTPS</legend>
          <Field id="act-ca" label="Private CA to trust (PEM text or file path, optional)" help="For a server with a self-signed certificate or one from your own CA." error={err("act-ca")}>
            <textarea {...aria("act-ca", true, err("act-ca"))} rows={2} spellcheck={false} value={d.ca} onInput={(e) => set({ ca: e.currentTarget.value })} />
          </Field>
          <Check id="act-insecure" checked={d.insecure} onChange={(insecure) => set({ insecure })} error={err("act-insecure")}>
            Skip certificate checks (insecure)
          </Check>
          {d.insecure && (
            <p class="warn" role="note">
              Warning: anyone on the network path can pose as this server and read what the action sends, credentials included. Prefer trusting its CA above.
            </p>
          )}
        </fieldset>

        <fieldset>
          <legend>Credentials</legend>
          <Field id="act-auth-type" label="Authentication" error={err("act-auth-type")}>
            <select {...aria("act-auth-type", false, err("act-auth-type"))} value={d.authType} onChange={(e) => set({ authType: e.currentTarget.value as Draft["authType"] })}>
              <option value="">none</option>
              <option value="basic">Basic</option>
              <option value="digest">Digest</option>
            </select>
          </Field>
          {d.authType && (
            <div class="pair">
              <Field id="act-auth-username" label="User name" error={err("act-auth-username")}>
                <input {...aria("act-auth-username", false, err("act-auth-username"))} autoComplete="off" value={d.username} onInput={(e) => set({ username: e.currentTarget.value })} />
              </Field>
              <Field id="act-auth-password" label="Password" help={d.passwordSet ? "A password is set (never shown). Leave empty to keep it (with the same type and user name)." : "Write-only: the relay never shows it back."} error={err("act-auth-password")}>
                <input {...aria("act-auth-password", true, err("act-auth-password"))} type="password" autoComplete="new-password" placeholder={d.passwordSet ? "•••••• (set)" : ""} value={d.password} onInput={(e) => set({ password: e.currentTarget.value })} />
              </Field>
            </div>
          )}
        </fieldset>
      </fieldset>

      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      {done && (
        <p class="done" role="status">
          {done}
        </p>
      )}
      <div class="actions">
        {!readOnly && (
          <button type="submit" disabled={busy}>
            Save action
          </button>
        )}
        <button type="button" class="secondary" disabled={busy} onClick={() => run("preview")}>
          Preview request
        </button>
        {!readOnly && stored && !confirmRemove && (
          <button type="button" class="danger" disabled={busy} onClick={() => setConfirmRemove(true)}>
            Remove action
          </button>
        )}
      </div>
      {confirmRemove && (
        <div class="confirm" role="group" aria-label="Confirm removing the action">
          <p>Remove the action for {label(event).toLowerCase()}? Presses of this type then do nothing.</p>
          <button type="button" class="danger" autoFocus onClick={remove} disabled={busy}>
            Yes, remove it
          </button>
          <button type="button" class="secondary" onClick={() => setConfirmRemove(false)}>
            Keep it
          </button>
        </div>
      )}
      {preview && <PreviewView p={preview} />}
    </form>
  );
}
