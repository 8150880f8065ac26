// The benchmark's rows: which action every simulated bttn has, and at which rates it runs.
import type { SinkAuth } from "./sink";

export interface Scenario {
  name: string;
  standardRates: number[];
  /** The bttns' pressed action; undefined = none (the relay answers no-action: broker + store only). */
  action(sinkUrl: string): Record<string, unknown> | undefined;
  sinkAuth?: SinkAuth;
  /**
   * An overload row: warm up at `warmRate` (a rate the relay sustains), then offer the row's rate
   * for `seconds` and wait (up to `catchUpS`) until every press is answered.
   */
  overload?: { warmRate: number; seconds: number; catchUpS: number };
}

const AUTH: SinkAuth = { username: "bench", password: "bench-password", realm: "bench@bttn" };

export const SCENARIOS: Scenario[] = [
  {
    name: "no-action",
    standardRates: [],
    action: () => undefined,
  },
  {
    name: "plain",
    standardRates: [2000, 4000],
    action: (url) => ({ method: "POST", url, format: "json", args: { b: "<ID>", n: "<COUNTERP>" } }),
  },
  {
    // Twice what the relay sustains on the reference machine: backpressure keeps its memory bounded
    // (presses wait in the devices' queues and TCP), nothing is lost, and it catches up afterwards.
    name: "overload",
    standardRates: [8000],
    overload: { warmRate: 2000, seconds: 5, catchUpS: 120 },
    action: (url) => ({ method: "POST", url, format: "json", args: { b: "<ID>", n: "<COUNTERP>" } }),
  },
  {
    name: "json-5-tags",
    standardRates: [2000],
    action: (url) => ({
      method: "POST",
      url,
      format: "json",
      args: { b: "<ID>", n: "<COUNTERP>", at: "<DATETIME>", type: "<ETYPE>", bat: "<BATTERY>" },
      headers: { "X-Event": "<EID>" },
    }),
  },
  {
    name: "digest",
    standardRates: [2000],
    sinkAuth: AUTH,
    action: (url) => ({ method: "POST", url, format: "json", args: { b: "<ID>", n: "<COUNTERP>" }, auth: { type: "digest", username: AUTH.username, password: AUTH.password } }),
  },
];
