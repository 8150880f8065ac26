// In a group, each press goes to one relay, but a console open on any relay shows them all: the
// relays pass their press and device news to each other (the store's broadcast, not kept). To cost
// nothing when nobody watches, a relay with an open console says so every WATCH_BEAT_MS, and the
// others pass their news only while someone said so lately, in batches of BATCH_MS. (So a console
// shows the other relays' presses from its first second on.)
// What a console shows of one press is the same whichever relay took it (events.ts).
import type { Logger } from "../log";
import type { NewsKinds, RelayNews } from "../news";
import type { Broadcast } from "../store/store";

const NEWS_CHANNEL = "bttn_live";
const WATCH_CHANNEL = "bttn_live_watch";
export const WATCH_BEAT_MS = 1_000;
const WATCHED_FOR_MS = 3 * WATCH_BEAT_MS;
const BATCH_MS = 100;
/** Items per notification: well under PostgreSQL's payload limit. */
const BATCH_ITEMS = 20;

/** The news a console shows, passed between relays. */
export const SHARED_KINDS = ["taken", "pending", "concluded", "heard"] as const;
export type SharedKind = (typeof SHARED_KINDS)[number];
export type SharedNews = { [K in SharedKind]: { k: K; d: NewsKinds[K] } }[SharedKind];

/** Listens to every kind of shared news as one stream of items; returns what stops it. */
export function onShared(news: RelayNews, listener: (item: SharedNews) => void): () => void {
  const stops = SHARED_KINDS.map((k) => news.on(k, (d: NewsKinds[typeof k]) => listener({ k, d } as SharedNews)));
  return () => stops.forEach((s) => s());
}

export class GroupLive {
  private watchedUntil = 0;
  private stopPassing: (() => void) | undefined;
  private stopWatchListen: (() => void) | undefined;
  private batch: SharedNews[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private expiry: NodeJS.Timeout | undefined;

  constructor(
    private readonly broadcast: Broadcast,
    private readonly news: RelayNews,
    private readonly relayId: string,
    private readonly log: Logger,
  ) {}

  /** Listens for consoles opened on other relays (one idle database connection). */
  start(): void {
    this.stopWatchListen = this.broadcast.listen(WATCH_CHANNEL, (from) => {
      if (from !== this.relayId) this.watched();
    });
  }

  private watched(): void {
    this.watchedUntil = Date.now() + WATCHED_FOR_MS;
    if (!this.stopPassing) this.startPassing();
    clearTimeout(this.expiry);
    this.expiry = setTimeout(() => this.stopPassingNews(), WATCHED_FOR_MS);
    this.expiry.unref();
  }

  private startPassing(): void {
    this.stopPassing = onShared(this.news, (item) => this.add(item));
  }

  private stopPassingNews(): void {
    if (Date.now() < this.watchedUntil) return;
    this.stopPassing?.();
    this.stopPassing = undefined;
  }

  private add(item: SharedNews): void {
    this.batch.push(item);
    if (this.batch.length >= BATCH_ITEMS) return this.flush();
    this.flushTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const items = this.batch;
    this.batch = [];
    if (items.length) this.broadcast.send(NEWS_CHANNEL, JSON.stringify({ from: this.relayId, items }));
  }

  /**
   * A console opened here: the other relays' news goes to `tell` until the returned function is
   * called (the last console closed).
   */
  watch(tell: (item: SharedNews) => void): () => void {
    const beat = () => this.broadcast.send(WATCH_CHANNEL, this.relayId);
    beat();
    const timer = setInterval(beat, WATCH_BEAT_MS);
    timer.unref();
    const stop = this.broadcast.listen(NEWS_CHANNEL, (payload) => {
      try {
        const m = JSON.parse(payload) as { from: string; items: SharedNews[] };
        if (m.from === this.relayId) return;
        for (const item of m.items) tell(item);
      } catch (err) {
        this.log.debug("a relay of the group passed news this one cannot read", { error: err as Error });
      }
    });
    return () => {
      clearInterval(timer);
      stop();
    };
  }

  close(): void {
    this.stopWatchListen?.();
    this.stopPassing?.();
    clearTimeout(this.flushTimer);
    clearTimeout(this.expiry);
  }
}
