// The bttns: each with its live status and Press buttons, and the way to add one.
import { useEffect } from "preact/hooks";
import { get } from "../api";
import { onLive } from "../live";
import { href } from "../route";
import type { BttnSummary } from "../types";
import { useLoad } from "../use-load";
import { BttnCard } from "./card";

export function BttnList() {
  const list = useLoad(() => get<{ bttns: BttnSummary[] }>("/bttns"), []);
  useEffect(() => onLive("bttns", list.reload), [list.reload]);
  const bttns = list.value?.bttns;
  return (
    <section aria-labelledby="bttns-title">
      <div class="view-head">
        <h1 id="bttns-title" tabIndex={-1}>
          Bttns
        </h1>
        <a class="button" href={href("add")}>
          Add a bttn
        </a>
      </div>
      {list.error && (
        <p class="error" role="alert">
          Could not load the bttns: {list.error}
        </p>
      )}
      {bttns && bttns.length === 0 && <p>No bttns yet. Add one to get its secret and device file.</p>}
      {bttns && (
        <ul class="cards">
          {bttns.map((b) => (
            <BttnCard key={b.id} b={b} />
          ))}
        </ul>
      )}
      {!bttns && list.loading && <p>Loading…</p>}
    </section>
  );
}
