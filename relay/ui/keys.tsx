// API keys: for webhook servers (bound to bttns) and further admin tokens. A key is shown once,
// when made; the list shows which webhook URL each key registered for which bttn; revoking is for
// good (its webhooks stop counting).
import { useState } from "preact/hooks";
import { ApiProblem, del, get, messageOf, post, seg } from "./api";
import { aria, Field } from "./field";
import { when } from "./format";
import type { BttnSummary, Hook, Key, KeyCreated } from "./types";
import { useLoad } from "./use-load";

function CreateKey({ bttns, onMade }: { bttns: BttnSummary[]; onMade: () => void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"key" | "admin">("key");
  const [chosen, setChosen] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [made, setMade] = useState<KeyCreated | undefined>();

  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    try {
      setMade(await post<KeyCreated>("/keys", { name: name.trim(), kind, bttns: kind === "key" ? chosen : undefined }));
      setName("");
      setChosen([]);
      onMade();
    } catch (err) {
      const path = err instanceof ApiProblem ? (err.path ?? "").split(".")[0] : "";
      setErrors({ [path === "name" || path === "bttns" ? path : ""]: messageOf(err) });
    }
  };
  return (
    <>
      <form class="form" onSubmit={submit} noValidate aria-labelledby="key-new-title">
        <h2 id="key-new-title">New key</h2>
        <Field id="key-name" label="Name (who uses it)" error={errors.name}>
          <input {...aria("key-name", false, errors.name)} autoComplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <fieldset>
          <legend>Kind</legend>
          <div class="radios">
            <label>
              <input type="radio" name="kind" checked={kind === "key"} onChange={() => setKind("key")} /> For a webhook server, acting for the bttns below
            </label>
            <label>
              <input type="radio" name="kind" checked={kind === "admin"} onChange={() => setKind("admin")} /> Another admin token (every bttn, every change)
            </label>
          </div>
        </fieldset>
        {kind === "key" && (
          <fieldset id="key-bttns" aria-describedby={errors.bttns ? "key-bttns-error" : undefined}>
            <legend>Bttns it acts for</legend>
            {bttns.length === 0 && <p class="muted">No bttns yet.</p>}
            {bttns.map((b) => (
              <label key={b.id} class="check-line">
                <input type="checkbox" checked={chosen.includes(b.id)} onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, b.id] : chosen.filter((x) => x !== b.id))} /> {b.name ? b.name + " (" + b.id + ")" : b.id}
              </label>
            ))}
            {errors.bttns && (
              <p id="key-bttns-error" class="error">
                {errors.bttns}
              </p>
            )}
          </fieldset>
        )}
        {errors[""] && (
          <p class="error" role="alert">
            {errors[""]}
          </p>
        )}
        <button type="submit">Create key</button>
      </form>
      {made && (
        <section class="card secret-once" aria-labelledby="key-made-title">
          <h2 id="key-made-title" tabIndex={-1} ref={(el) => el?.focus()}>
            Key {made.name} made
          </h2>
          <p>
            <code class="secret">{made.key}</code>
          </p>
          <p class="warn">Shown only now: the relay keeps only a hash of it. The server sends it as X-Api-Key.</p>
        </section>
      )}
    </>
  );
}

function KeyItem({ k, hooks, onRevoked }: { k: Key; hooks: Hook[]; onRevoked: () => void }) {
  const [confirm, setConfirm] = useState(false);
  const [problem, setProblem] = useState("");
  const revoke = async () => {
    try {
      await del("/keys/" + seg(k.id));
      setConfirm(false);
      onRevoked();
    } catch (e) {
      setProblem(messageOf(e));
    }
  };
  return (
    <li class="card key" data-key-id={k.id}>
      <h3>
        {k.name} <span class="muted mono">{k.id}</span>
      </h3>
      <p>
        {k.kind === "admin" ? "Admin token" : "Key for " + k.bttns.join(", ")} · made {when(k.createdAt)} · {k.revokedAt ? <b>revoked {when(k.revokedAt)}</b> : "active"}
      </p>
      {hooks.length > 0 ? (
        <>
          <p>Webhooks it registered:</p>
          <ul class="hooks">
            {hooks.map((h) => (
              <li key={h.id}>
                for <b>{h.bttn}</b>: <span class="mono">{h.url}</span> <span class="muted">({when(h.createdAt)})</span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        k.kind === "key" && <p class="muted">No webhook registered.</p>
      )}
      {!k.revokedAt &&
        (confirm ? (
          <div class="confirm" role="group" aria-label={"Confirm revoking " + k.name}>
            <p>Revoke {k.name} for good? Calls with it are refused from now on, and its webhooks stop counting.</p>
            <button type="button" class="danger" autoFocus onClick={revoke}>
              Yes, revoke
            </button>
            <button type="button" class="secondary" onClick={() => setConfirm(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="button" class="danger" onClick={() => setConfirm(true)} aria-label={"Revoke " + k.name + "…"}>
            Revoke…
          </button>
        ))}
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
    </li>
  );
}

export function Keys() {
  const data = useLoad(async () => {
    const [keys, hooks, bttns] = await Promise.all([get<{ keys: Key[] }>("/keys"), get<{ hooks: Hook[] }>("/hooks"), get<{ bttns: BttnSummary[] }>("/bttns")]);
    return { keys: keys.keys, hooks: hooks.hooks, bttns: bttns.bttns };
  }, []);
  const v = data.value;
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title" tabIndex={-1}>
        API keys
      </h1>
      <p class="help">A webhook server uses a key to register the URL that a bttn's dynamic action calls (POST /api/v1/hooks) and to read its bttns' feed.</p>
      {data.error && (
        <p class="error" role="alert">
          {data.error}
        </p>
      )}
      {v && <CreateKey bttns={v.bttns} onMade={data.reload} />}
      <h2>Keys</h2>
      {v && v.keys.length === 0 && <p>No keys.</p>}
      <ul class="cards">
        {(v?.keys ?? []).map((k) => (
          <KeyItem key={k.id} k={k} hooks={v!.hooks.filter((h) => h.keyId === k.id)} onRevoked={data.reload} />
        ))}
      </ul>
    </section>
  );
}
