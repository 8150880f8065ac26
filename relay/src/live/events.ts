// What the console's live stream tells (GET /api/v1/live), made from the relay's own news: presses
// as they are taken, wait and end; device status; each action run as the inspector shows it; each
// request a bin receives; and a nudge when the bttns or their actions change. Listened to only
// while a stream is open (streams.ts), so an idle console costs the press path nothing.
import type { Bins } from "../bins/bins";
import type { Inspector } from "../inspector/inspector";
import type { DeviceHeard, NewsKinds, RelayNews } from "../news";
import { GroupLive, onShared, SharedKind, SharedNews } from "./group-live";
import { VIRTUAL_BOOT } from "../press/conclude";
import type { BttnRepo } from "../store/store";

export interface LiveSources {
  news: RelayNews;
  inspector?: Inspector;
  bins?: Bins;
  /** In a group: the presses and devices the other relays hear (their runs and bins stay theirs). */
  group?: GroupLive;
}

export type Send = (event: string, data: unknown) => void;

const iso = (ms: number) => new Date(ms).toISOString();

/** Battery and signal come with a device's events, so a device they come from is online (as the status store records it). */
function statusEvent(h: DeviceHeard) {
  return { bttn: h.bttn, online: h.online ?? true, firmware: h.fw, battery: h.bat, rssi: h.rssi, at: iso(h.at) };
}

const virtual = (boot: string) => boot === VIRTUAL_BOOT;

/** What a console is told of each kind of news, whichever relay of a group heard it. */
const LIVE: { [K in SharedKind]: (n: NewsKinds[K], send: Send) => void } = {
  taken: (p, send) => send("press", { bttn: p.bttn, type: p.type, eventId: p.eventId, state: "taken", virtual: virtual(p.boot), at: iso(p.at) }),
  pending: (p, send) => send("press", { bttn: p.bttn, type: p.type, eventId: p.eventId, state: "pending", virtual: virtual(p.boot), at: iso(Date.now()) }),
  concluded: (p, send) =>
    send("press", { bttn: p.bttn, type: p.type, eventId: p.eventId, state: p.outcome, reason: p.reason, status: p.status, virtual: virtual(p.boot), at: iso(Date.now()) }),
  heard: (h, send) => send("status", statusEvent(h)),
};

function tellShared(item: SharedNews, send: Send): void {
  (LIVE[item.k] as (n: SharedNews["d"], send: Send) => void)(item.d, send);
}

/** Starts telling `send`; returns what stops it. */
export function tellLive(s: LiveSources, send: Send): () => void {
  const stops = [
    onShared(s.news, (item) => tellShared(item, send)),
    s.group?.watch((item) => tellShared(item, send)),
    s.inspector?.watch((run) => send("run", run)),
    s.bins?.watch((bin, request) => send("bin", { bin, request: { ...request, at: iso(request.at) } })),
  ];
  return () => {
    for (const stop of stops) stop?.();
  };
}

/**
 * The bttn store says when bttns change (this process or the CLI's). It has no way to stop
 * listening, so this listens once, for the relay's life; with no stream open, `send` drops it.
 */
export function tellBttnChanges(bttns: BttnRepo, send: Send): void {
  bttns.onChange(() => send("bttns", {}));
}
