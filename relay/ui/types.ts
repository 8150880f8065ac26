// The shapes the page reads, taken from the API's own answer schemas where they exist (types only:
// nothing of zod reaches the bundle), so the page and the API cannot drift apart. The live events,
// bins, presses and previews follow the console's API contract.
import type { z } from "zod";
import type { bttnCreated, bttnInfo, bttnSummary, countersAnswer, feedEntry, hookAnswer, inspectedRun, inspectorAnswer, keyAnswer, keyCreated, secretRotated, statusAnswer } from "../src/api/schemas";
import type { HttpActionInput } from "../src/config/schema";

export type BttnSummary = z.output<typeof bttnSummary>;
export type BttnInfo = z.output<typeof bttnInfo>;
export type BttnCreated = z.output<typeof bttnCreated>;
export type SecretRotated = z.output<typeof secretRotated>;
export type DeviceFile = BttnCreated["deviceFile"];
export type Counters = z.output<typeof countersAnswer>;
export type Status = z.output<typeof statusAnswer>;
export type FeedEntry = z.output<typeof feedEntry>;
export type Hook = z.output<typeof hookAnswer>;
export type Key = z.output<typeof keyAnswer>;
export type KeyCreated = z.output<typeof keyCreated>;
export type Run = z.output<typeof inspectedRun>;
export type RunsAnswer = z.output<typeof inspectorAnswer>;
/** What the page sends as an action's `http` (defaults filled in by the API). */
export type HttpAction = HttpActionInput;

export type PressState = "taken" | "pending" | "ok" | "fail";
export type PressType = "pressed" | "pressed-long" | "pressed-double";

export interface PressNews {
  bttn: string;
  type: string;
  eventId: number;
  state: PressState;
  reason?: string;
  virtual: boolean;
  at: string;
}

export interface StatusNews {
  bttn: string;
  online: boolean;
  firmware?: string;
  battery?: number;
  rssi?: number;
  at: string;
}

export interface PressAnswer {
  eventId: number;
  type: string;
  virtual: true;
  state: "ok" | "fail" | "pending";
  reason?: string;
  runs: number[];
}

export interface Preview {
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  body: string | null;
}

export interface Bin {
  name: string;
  url: string;
  createdAt: string;
  count: number;
}

export interface BinRequest {
  id: number | string;
  at: string;
  method: string;
  path: string;
  query: string | Record<string, string | string[]>;
  headers: Record<string, string | string[]>;
  body: string;
  bodyBytes: number;
  truncated: boolean;
}

export interface BinNews {
  bin: string;
  request: BinRequest;
}

export interface LiveEvents {
  press: PressNews;
  status: StatusNews;
  run: Run;
  bin: BinNews;
  bttns: Record<string, never>;
}
