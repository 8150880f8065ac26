// The request inspector: every action run with the request as the relay sent it and the answer
// (credentials and callback tokens masked by the relay), the async callback that decided it,
// newest first, live, filtered by bttn, outcome and time. The relay keeps a bounded number of runs
// in memory, and the page says how many.
import { useEffect, useMemo, useState } from "preact/hooks";
import { get } from "./api";
import { label, when } from "./format";
import { onLive } from "./live";
import { Outcome } from "./outcome";
import type { BttnSummary, Run, RunsAnswer } from "./types";
import { useLoad } from "./use-load";
import { Body, headerText } from "./wire";

const TIMES: Array<{ value: string; text: string; ms?: number }> = [
  { value: "", text: "any time" },
  { value: "15m", text: "last 15 minutes", ms: 15 * 60_000 },
  { value: "1h", text: "last hour", ms: 3_600_000 },
  { value: "1d", text: "last 24 hours", ms: 86_400_000 },
];
const OUTCOMES = ["", "ok", "fail", "waiting", "running"];
const SHOWN = 100;

interface Filter {
  bttn: string;
  outcome: string;
  time: string;
}

function sinceOf(f: Filter): number | undefined {
  const ms = TIMES.find((t) => t.value === f.time)?.ms;
  return ms ? Date.now() - ms : undefined;
}

function matches(r: Run, f: Filter): boolean {
  const since = sinceOf(f);
  return (!f.bttn || r.bttn === f.bttn) && (!f.outcome || r.outcome === f.outcome) && (since === undefined || r.startedAt >= since);
}

function RunView({ r }: { r: Run }) {
  return (
    <li class="run" data-run-id={r.id} data-bttn={r.bttn}>
      <details>
        <summary>
          <span class="run-time">{when(r.startedAt)}</span> <b>{r.bttn}</b> {label(r.type)}
          {r.virtual ? " (virtual)" : ""} — <span class="mono run-line">{r.request.method + " " + r.request.url}</span> → {r.answer ? r.answer.status : "no answer"} · {r.durationMs} ms ·{" "}
          <Outcome state={r.outcome} reason={r.reason} />
        </summary>
        <div class="run-body">
          <h3>Request as sent</h3>
          <pre class="wire">
            {r.request.method} {r.request.url}
            {"\n" + headerText(r.request.headers)}
          </pre>
          {r.request.auth && <p class="help">With {r.request.auth === "basic" ? "Basic" : "Digest"} credentials (never shown).</p>}
          {r.request.body ? <Body {...r.request.body} /> : <p class="muted">No body.</p>}
          <h3>Answer</h3>
          {r.answer ? (
            <>
              <pre class="wire">
                {"HTTP " + r.answer.status}
                {"\n" + headerText(r.answer.headers)}
              </pre>
              <Body {...r.answer.body} />
            </>
          ) : (
            <p>No answer{r.error ? ": " + r.error : ""}.</p>
          )}
          <p>
            Took {r.durationMs} ms. {r.reason && <>Reason: {r.reason}. </>}
            {r.error && r.answer && <>Error: {r.error}</>}
          </p>
          {r.callback && (
            <p>
              Async callback at {when(r.callback.at)}: <Outcome state={r.callback.outcome} reason={r.callback.reason} />
            </p>
          )}
        </div>
      </details>
    </li>
  );
}

export function Inspector() {
  const [f, setF] = useState<Filter>({ bttn: "", outcome: "", time: "" });
  const bttns = useLoad(() => get<{ bttns: BttnSummary[] }>("/bttns"), []);
  const query = useMemo(() => {
    const q = new URLSearchParams({ limit: String(SHOWN) });
    if (f.bttn) q.set("bttn", f.bttn);
    if (f.outcome) q.set("outcome", f.outcome);
    const since = sinceOf(f);
    if (since !== undefined) q.set("since", String(since));
    return q.toString();
  }, [f]);
  const loaded = useLoad(() => get<RunsAnswer>("/inspector/runs?" + query), [query]);
  const [runs, setRuns] = useState<Run[]>([]);
  useEffect(() => setRuns(loaded.value?.runs ?? []), [loaded.value]);
  useEffect(
    () =>
      onLive("run", (r) => {
        setRuns((cur) => {
          const rest = cur.filter((x) => x.id !== r.id);
          // A run that no longer matches (its callback changed its outcome) leaves the list.
          if (!matches(r, f)) return rest;
          return [r, ...rest].sort((a, b) => b.id - a.id).slice(0, SHOWN);
        });
      }),
    [f],
  );
  const kept = loaded.value?.kept;

  return (
    <section aria-labelledby="inspector-title">
      <h1 id="inspector-title" tabIndex={-1}>
        Request inspector
      </h1>
      <p class="help">
        {kept
          ? `The relay keeps the last ${kept.runs} action runs, with up to ${kept.bodyBytes} bytes of each request and answer body, in memory only (a restart empties it; relay.inspector in the config file sets these bounds).`
          : "The relay keeps the last action runs in memory only."}{" "}
        Newest first; new runs appear as they happen.
      </p>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter runs">
        <div class="field">
          <label for="f-bttn">Bttn</label>
          <select id="f-bttn" value={f.bttn} onChange={(e) => setF({ ...f, bttn: e.currentTarget.value })}>
            <option value="">all bttns</option>
            {(bttns.value?.bttns ?? []).map((b) => (
              <option key={b.id} value={b.id}>
                {b.name ? b.name + " (" + b.id + ")" : b.id}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-outcome">Outcome</label>
          <select id="f-outcome" value={f.outcome} onChange={(e) => setF({ ...f, outcome: e.currentTarget.value })}>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o || "any outcome"}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-time">Time</label>
          <select id="f-time" value={f.time} onChange={(e) => setF({ ...f, time: e.currentTarget.value })}>
            {TIMES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.text}
              </option>
            ))}
          </select>
        </div>
      </form>
      {loaded.error && (
        <p class="error" role="alert">
          Could not load the runs: {loaded.error}
        </p>
      )}
      <p class="muted">
        {runs.length} run{runs.length === 1 ? "" : "s"} shown
      </p>
      <ul class="runs">
        {runs.map((r) => (
          <RunView key={r.id} r={r} />
        ))}
      </ul>
    </section>
  );
}

