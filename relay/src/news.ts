// What happens in the relay, told to those who watch it live (the web console's live views, metrics,
// Home Assistant) without being on the press path. A listener that throws is logged and skipped:
// a watcher can never break or delay a press's answer (news is told after the answer is on its way).
import type { ActionEventType, Reason } from "@bttn/shared";
import type { HttpRequest, HttpResponse } from "./engine/http";
import type { Logger } from "./log";

/** A press (or heartbeat, or not-pressed) the relay recorded for the first time. */
export interface PressTaken {
  bttn: string;
  type: ActionEventType;
  eventId: number;
  /** Device boot id; "relay" for not-pressed, "virtual" for a press made from the API or console. */
  boot: string;
  seq: number;
  at: number;
}

/** The action is taking a while: the bttn was told to wait (up to `remainingMs`). */
export interface PressPending {
  bttn: string;
  eventId: number;
  remainingMs: number;
  /** Unknown for a press resumed after a restart. */
  type?: ActionEventType;
  /** The press's identity's boot: "virtual" for the console's presses. */
  boot: string;
}

/** A press's final outcome, as the bttn was told it. */
export interface PressConcluded {
  bttn: string;
  type?: ActionEventType;
  eventId: number;
  /** The press's identity's boot: "virtual" for the console's presses. */
  boot: string;
  outcome: "ok" | "fail";
  reason?: Reason;
  status?: number;
  /** From receipt to the answer, when the relay knows it. */
  durationMs?: number;
}

/** One HTTP action run (an async action's first request included), as recorded in the feed. */
export interface ActionRan {
  bttn: string;
  eventId: number;
  type: ActionEventType;
  /** The press's identity; boot "relay" or "virtual" for presses no device made. */
  boot: string;
  seq: number;
  method: string;
  /** Redacted (no credentials or callback tokens). */
  url: string;
  status?: number;
  durationMs: number;
  startedAt: number;
  reason?: Reason;
  error?: string;
  /** The action waits for a callback after a first request that succeeded. */
  async: boolean;
  /** The action's credentials, if any: they are added on the wire, so `sent` never holds them. */
  auth?: "basic" | "digest";
  /**
   * The request as built and the last answer, NOT redacted (the URL, headers and body as the
   * action made them): a listener that shows or keeps them masks them first (inspector/mask.ts).
   */
  sent?: HttpRequest;
  answer?: HttpResponse;
}

/** A device said something about itself (status topic, or battery/signal with an event). */
export interface DeviceHeard {
  bttn: string;
  online?: boolean;
  fw?: string;
  bat?: number;
  rssi?: number;
  at: number;
}

export interface NewsKinds {
  taken: PressTaken;
  pending: PressPending;
  concluded: PressConcluded;
  ran: ActionRan;
  heard: DeviceHeard;
}

export type NewsListener<K extends keyof NewsKinds> = (news: NewsKinds[K]) => void;

export class RelayNews {
  private readonly listeners: { [K in keyof NewsKinds]: NewsListener<K>[] } = { taken: [], pending: [], concluded: [], ran: [], heard: [] };

  constructor(private readonly log: Logger) {}

  /** Returns a function that stops listening. */
  on<K extends keyof NewsKinds>(kind: K, listener: NewsListener<K>): () => void {
    const list = this.listeners[kind] as NewsListener<K>[];
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Whether anyone listens: callers skip building news nobody reads (it is on every press's path). */
  wanted(kind: keyof NewsKinds): boolean {
    return this.listeners[kind].length > 0;
  }

  tell<K extends keyof NewsKinds>(kind: K, news: NewsKinds[K]): void {
    for (const l of this.listeners[kind] as NewsListener<K>[]) {
      try {
        l(news);
      } catch (err) {
        this.log.error("a listener of the relay's news failed", { kind, error: err as Error });
      }
    }
  }
}
