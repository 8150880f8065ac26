// What the API's routes work with: the store's parts (its bttns are the one source of truth for bttns)
// and the log. Kept apart from index.ts so each resource file can import it without a cycle.
import type { Inspector } from "../inspector/inspector";
import type { Logger } from "../log";
import type { ClientAddress } from "./auth";
import type { BttnRepo, EventRepo, HookRepo, KeyRepo, StatusRepo } from "../store/store";
import type { LoginThrottleOptions } from "../bus/login-throttle";
import type { Sessions } from "./sessions";
import type { Pipeline } from "../press/pipeline";
import type { RelayNews } from "../news";
import type { Bins } from "../bins/bins";
import type { LiveStreams } from "../live/streams";
import type { ActionEngine } from "../engine/engine";

export interface ApiDeps {
  bttns: BttnRepo;
  events: EventRepo;
  status: StatusRepo;
  keys: KeyRepo;
  hooks: HookRepo;
  log: Logger;
  /** Where devices reach the MQTT broker, for the device files the API hands out; host default: the relay's LAN address. */
  mqtt?: { host?: string; port: number };
  /** The caller's address, from the HTTP server serving the API (for the refusal log lines); none: not known. */
  clientAddress?: ClientAddress;
  /** The last action runs with their requests and answers; none: the inspector routes are not served. */
  inspector?: Inspector;
  /** The web console's sessions (default: a fresh set, in memory). */
  sessions?: Sessions;
  /** How wrong tokens at sign-in are slowed down, per address (default: as MQTT logins). */
  signInThrottle?: LoginThrottleOptions;
  /** The press path, for virtual presses; with `news`, or the press route is not served. */
  pipeline?: Pipeline;
  news?: RelayNews;
  /** How long POST /bttns/{id}/press waits for the outcome (default 15 s). */
  pressAnswerWaitMs?: number;
  /** The request bins; none: the bin routes are not served. */
  bins?: Bins;
  /** The relay's public base URL (bins' URLs, previews' callback URLs). */
  publicUrl?: () => string;
  /** The live streams; none: GET /live is not served. */
  live?: LiveStreams;
  /** Builds requests for previews; none: the preview route is not served. */
  engine?: ActionEngine;
}
