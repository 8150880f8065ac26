// What the press path works with: the relay's parts and settings, gathered once by the pipeline and
// handed to each step.
import type { Bus } from "../bus/bus";
import type { CallbackManager } from "../callbacks/manager";
import type { ActionEngine } from "../engine/engine";
import type { PressRateLimiter, RateLimit } from "../limits/press-rate";
import type { Logger } from "../log";
import type { RelayNews } from "../news";
import type { BttnRepo, EventRepo, HookRepo, StatusRepo } from "../store/store";

/** What the relay did with the messages it got (GET /healthz shows them). */
export interface PressStats {
  events: number;
  duplicates: number;
  rejected: number;
  ok: number;
  fail: number;
  rateLimited: number;
}

export interface PressDeps {
  prefix: string;
  bus: Bus;
  bttns: BttnRepo;
  events: EventRepo;
  status: StatusRepo;
  /** The store is shared by a group of relays: another relay may be running a press this one sees again. */
  shared?: boolean;
  /** Dynamic webhooks: the URL registered for a bttn. */
  hooks: HookRepo;
  engine: ActionEngine;
  callbacks: CallbackManager;
  log: Logger;
  news?: RelayNews;
  limiter: PressRateLimiter;
  /** For the rate limit's log line; undefined: no limit. */
  rateLimit?: RateLimit;
  /** Events older than this (ms, by their `age`) fail with `stale` instead of firing. */
  staleAfterMs: number;
  /** Publish `pending` when an action has not finished after this long. */
  pendingAfterMs: number;
  stats: PressStats;
}
