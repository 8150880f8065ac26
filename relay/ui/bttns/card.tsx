// One bttn in the list: online or not, firmware, battery, signal, its last press and how it went,
// its counters, and the Press buttons. Status and presses update from the live stream.
import { useEffect, useState } from "preact/hooks";
import { get, seg } from "../api";
import { label, pressStateOf, when } from "../format";
import { onLive } from "../live";
import { Outcome } from "../outcome";
import { href } from "../route";
import type { BttnSummary, Counters, FeedEntry, PressState, Status } from "../types";
import { PressButtons, Pressed } from "./press-buttons";

interface Last {
  type: string;
  state: PressState;
  reason?: string | null;
  at: string;
  virtual?: boolean;
  eventId?: number;
}

function lastOf(e: FeedEntry | undefined): Last | undefined {
  return e && { type: e.type, state: pressStateOf(e.state), reason: e.reason, at: e.receivedAt, eventId: e.id, virtual: e.boot === "virtual" };
}

export function BttnCard({ b }: { b: BttnSummary }) {
  const [status, setStatus] = useState<Status | undefined>();
  const [counters, setCounters] = useState<Counters | undefined>();
  const [last, setLast] = useState<Last | undefined>();
  const base = "/bttns/" + seg(b.id);

  const loadActivity = () => {
    get<Counters>(base + "/counter").then(setCounters, () => {});
    get<{ events: FeedEntry[] }>(base + "/feed?limit=5").then((f) => {
      // Heartbeats say the device lives, not what a person did: the last press is the last non-heartbeat.
      const e = f.events.find((x) => x.type !== "heartbeat");
      setLast((cur) => (cur && e && cur.eventId !== undefined && cur.eventId > e.id ? cur : (lastOf(e) ?? cur)));
    }, () => {});
  };

  useEffect(() => {
    get<Status>(base + "/status").then(setStatus, () => {});
    loadActivity();
    const stops = [
      onLive("status", (s) => {
        if (s.bttn !== b.id) return;
        setStatus((cur) => ({
          online: s.online,
          fw: s.firmware ?? cur?.fw ?? null,
          bat: s.battery ?? cur?.bat ?? null,
          rssi: s.rssi ?? cur?.rssi ?? null,
          lastHeard: s.at,
        }));
      }),
      onLive("press", (p) => {
        if (p.bttn !== b.id || p.type === "heartbeat") return;
        setLast((cur) => (cur?.eventId !== undefined && cur.eventId > p.eventId ? cur : { type: p.type, state: p.state, reason: p.reason, at: p.at, virtual: p.virtual, eventId: p.eventId }));
        if (p.state === "ok" || p.state === "fail") get<Counters>(base + "/counter").then(setCounters, () => {});
      }),
    ];
    return () => stops.forEach((s) => s());
  }, [b.id]);

  const pressed = (p: Pressed) => {
    setLast((cur) => {
      // The live stream may have told the end already: an answer never turns it back to pending.
      if (p.eventId !== undefined && cur?.eventId === p.eventId && (cur.state === "ok" || cur.state === "fail")) return cur;
      return { type: p.type, state: p.state, reason: p.reason, at: new Date().toISOString(), virtual: true, eventId: p.eventId };
    });
    if (p.state !== "pending") get<Counters>(base + "/counter").then(setCounters, () => {});
  };

  const name = b.name || b.id;
  const titleId = "bttn-" + b.id;
  return (
    <li class="card bttn" aria-labelledby={titleId} data-bttn={b.id}>
      <div class="card-head">
        <h2 id={titleId}>
          <a href={href("bttn", b.id)}>{name}</a>
        </h2>
        {b.name && <span class="muted mono">{b.id}</span>}
        {status && (
          <span class={"badge " + (status.online ? "badge-on" : "badge-off")} data-online={String(status.online)}>
            {status.online ? "online" : "offline"}
          </span>
        )}
      </div>
      <p class="facts">
        {b.location && <span>{b.location}</span>}
        <span>firmware {status?.fw ?? "unknown"}</span>
        <span>battery {status?.bat != null ? status.bat.toFixed(2) + " V" : "unknown"}</span>
        <span>signal {status?.rssi != null ? status.rssi + " dBm" : "unknown"}</span>
        <span>last heard {when(status?.lastHeard)}</span>
      </p>
      <p class="last">
        Last press:{" "}
        {last ? (
          <>
            {label(last.type)}
            {last.virtual ? " (virtual)" : ""}, {when(last.at)} — <Outcome state={last.state} reason={last.reason} />
          </>
        ) : (
          "none yet"
        )}
      </p>
      {counters && (
        <p class="counters">
          <span>
            <b>{counters.total}</b> events
          </span>
          <span>
            <b>{counters.pressed}</b> pressed
          </span>
          <span>
            <b>{counters["pressed-long"]}</b> long
          </span>
          <span>
            <b>{counters["pressed-double"]}</b> double
          </span>
          {counters["not-pressed"] > 0 && (
            <span>
              <b>{counters["not-pressed"]}</b> not pressed
            </span>
          )}
        </p>
      )}
      <PressButtons id={b.id} name={name} events={b.events} onPressed={pressed} />
      {b.origin === "file" && <p class="note">Declared in the config file: its settings are edited in the file (the page shows them read-only).</p>}
      <p>
        <a href={href("bttn", b.id)}>{b.origin === "file" ? "View actions" : "Set actions, rename, secret"}</a>
      </p>
    </li>
  );
}
