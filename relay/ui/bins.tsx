// Bins: URLs on the relay itself (/bin/<name>) that record whatever arrives, so an action can be
// tried with nothing outside the Pi: make a bin, paste its URL into an action, press, and see the
// request here, live.
import { useEffect, useState } from "preact/hooks";
import { ApiProblem, del, get, messageOf, post, seg } from "./api";
import { aria, Field } from "./field";
import { when } from "./format";
import { onLive } from "./live";
import { go, href } from "./route";
import { useRoute } from "./route";
import type { Bin, BinRequest } from "./types";
import { useLoad } from "./use-load";
import { headerText } from "./wire";

function queryText(q: BinRequest["query"]): string {
  if (typeof q === "string") return q.replace(/^\?/, "");
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}

function RequestView({ r }: { r: BinRequest }) {
  const q = queryText(r.query);
  return (
    <li class="bin-request" data-method={r.method}>
      <p>
        <b class="mono">{r.method}</b> <span class="mono bin-path">{r.path + (q ? "?" + q : "")}</span> <span class="muted">{when(r.at)}</span>
      </p>
      <details>
        <summary>Headers and body ({r.bodyBytes} bytes)</summary>
        <pre class="wire">{headerText(r.headers)}</pre>
        {r.bodyBytes > 0 ? <pre class="wire">{r.body}</pre> : <p class="muted">No body.</p>}
        {r.truncated && <p class="help">The body was cut to what a bin keeps.</p>}
      </details>
    </li>
  );
}

function OpenBin({ name, onDeleted }: { name: string; onDeleted: () => void }) {
  const loaded = useLoad(() => get<{ name: string; url: string; requests: BinRequest[] }>("/bins/" + seg(name)), [name]);
  const [requests, setRequests] = useState<BinRequest[]>([]);
  const [confirm, setConfirm] = useState(false);
  const [problem, setProblem] = useState("");
  useEffect(() => setRequests(loaded.value?.requests ?? []), [loaded.value]);
  useEffect(() => onLive("bin", (n) => n.bin === name && setRequests((cur) => [n.request, ...cur.filter((x) => x.id !== n.request.id)].slice(0, 100))), [name]);
  const remove = async () => {
    try {
      await del("/bins/" + seg(name));
      onDeleted();
    } catch (e) {
      setProblem(messageOf(e));
    }
  };
  return (
    <section class="card open-bin" aria-labelledby="bin-title">
      <h2 id="bin-title" tabIndex={-1}>
        Bin {name}
      </h2>
      {loaded.error && (
        <p class="error" role="alert">
          {loaded.error}
        </p>
      )}
      {loaded.value && (
        <Field id="bin-url" label="Its URL (paste it into an action)">
          <input id="bin-url" readOnly value={loaded.value.url} onFocus={(e) => e.currentTarget.select()} />
        </Field>
      )}
      <p class="muted">
        {requests.length} request{requests.length === 1 ? "" : "s"}, newest first; new ones appear as they arrive.
      </p>
      <ul class="bin-requests">
        {requests.map((r) => (
          <RequestView key={r.id} r={r} />
        ))}
      </ul>
      {confirm ? (
        <div class="confirm" role="group" aria-label="Confirm deleting the bin">
          <p>Delete bin {name} and what it recorded? Actions still pointing at it will fail with http 404.</p>
          <button type="button" class="danger" autoFocus onClick={remove}>
            Yes, delete it
          </button>
          <button type="button" class="secondary" onClick={() => setConfirm(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <button type="button" class="danger" onClick={() => setConfirm(true)}>
          Delete bin…
        </button>
      )}
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}

export function Bins() {
  const route = useRoute();
  const open = route[1];
  const list = useLoad(() => get<{ bins: Bin[] }>("/bins"), []);
  const [name, setName] = useState("");
  const [error, setError] = useState("");
  useEffect(() => onLive("bin", (n) => list.value?.bins.some((b) => b.name === n.bin) ? list.reload() : undefined), [list.value]);

  const create = async (e: Event) => {
    e.preventDefault();
    setError("");
    try {
      const made = await post<Bin>("/bins", name.trim() ? { name: name.trim() } : {});
      setName("");
      list.reload();
      go("bins", made.name);
    } catch (err) {
      setError(err instanceof ApiProblem && err.status === 404 ? "This relay has no bins yet." : messageOf(err));
    }
  };

  return (
    <section aria-labelledby="bins-title">
      <h1 id="bins-title" tabIndex={-1}>
        Bins
      </h1>
      <p class="help">A bin is a URL on this relay that records every request it gets: point an action at it, press, and look here. It needs no token (it is a webhook target); what it recorded is shown only here.</p>
      <form class="form inline" onSubmit={create} noValidate>
        <Field id="bin-name" label="New bin's name (optional)" error={error || undefined}>
          <input {...aria("bin-name", false, error || undefined)} autoComplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <button type="submit">Create bin</button>
      </form>
      {list.error && (
        <p class="error" role="alert">
          Could not load the bins: {list.error}
        </p>
      )}
      {list.value && list.value.bins.length === 0 && <p>No bins yet.</p>}
      <ul class="bins">
        {(list.value?.bins ?? []).map((b) => (
          <li key={b.name} class="bin">
            <a href={href("bins", b.name)} aria-current={open === b.name ? "true" : undefined}>
              {b.name}
            </a>{" "}
            <span class="mono muted">{b.url}</span> — {b.count} request{b.count === 1 ? "" : "s"}, made {when(b.createdAt)}
          </li>
        ))}
      </ul>
      {open && (
        <OpenBin
          key={open}
          name={open}
          onDeleted={() => {
            list.reload();
            go("bins");
          }}
        />
      )}
    </section>
  );
}
