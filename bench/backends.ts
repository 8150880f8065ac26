// What the benchmark's relays stand on: the broker (the relay's embedded one, or Debian's mosquitto
// with a password and ACL, as a group needs) and the store (SQLite in each relay's data directory,
// or one PostgreSQL shared by the group). Each part is started here, says how a relay reaches it
// (flags, and the secrets in the environment rather than on a command line every user can read),
// and how much CPU its server process(es) spent, so that a row can tell the relays' cost from theirs.
import { startMosquitto, Mosquitto } from "../test/support/mosquitto";
import { serverProcesses, startPostgres, Postgres } from "../test/support/postgres";
import { procStat, treeCpuTicks } from "./proc";

export type BrokerKind = "embedded" | "mosquitto";
export type StoreKind = "sqlite" | "postgres";

export interface Setup {
  relays: number;
  broker: BrokerKind;
  store: StoreKind;
}

export const DEFAULT_SETUP: Setup = { relays: 1, broker: "embedded", store: "sqlite" };

/** The shared-subscription group of the benchmark's relays. */
export const SHARE_GROUP = "bench";

// The user the mosquitto ACL (test/support/mosquitto.ts) lets read and write every bttn's topics.
const RELAY_USER = "relay";
const RELAY_PASSWORD = "bench-relay-password";

export interface Backends {
  /** Where the simulated bttns connect: mosquitto's port, or undefined for the relay's embedded broker. */
  brokerPort?: number;
  /** Flags for every relay (its --data and --http-port are the caller's). */
  relayArgs(): string[];
  /** Environment for the relays: the broker's and the store's secrets. */
  relayEnv: Record<string, string>;
  /** The servers' CPU ticks so far (1/100 s), by name ("mosquitto", "postgres"); none for the embedded parts. */
  cpuTicks(): Record<string, number>;
  stop(): Promise<void>;
}

export function describeSetup(s: Setup): string {
  return `${s.relays} relay${s.relays > 1 ? "s" : ""}${s.relays > 1 ? ` in group "${SHARE_GROUP}"` : ""}, ${s.broker === "embedded" ? "embedded broker" : "mosquitto"}, ${s.store === "sqlite" ? "SQLite" : "PostgreSQL"}`;
}

/** Why this setup cannot run, or undefined. */
export function setupProblem(s: Setup): string | undefined {
  if (!Number.isInteger(s.relays) || s.relays < 1) return "--relays takes a whole number from 1";
  if (s.broker !== "embedded" && s.broker !== "mosquitto") return "--broker takes embedded or mosquitto";
  if (s.store !== "sqlite" && s.store !== "postgres") return "--store takes sqlite or postgres";
  if (s.relays > 1 && (s.broker !== "mosquitto" || s.store !== "postgres")) return "a group of relays (--relays 2 and more) needs --broker mosquitto --store postgres";
  return undefined;
}

/** `bttns`: id -> secret, the broker's users besides the relay. */
export async function startBackends(setup: Setup, bttns: Record<string, string>): Promise<Backends> {
  let mosq: Mosquitto | undefined;
  let pg: Postgres | undefined;
  let postmaster: number | undefined;
  try {
    if (setup.broker === "mosquitto") mosq = await startMosquitto({ [RELAY_USER]: RELAY_PASSWORD, ...bttns });
    if (setup.store === "postgres") {
      pg = await startPostgres();
      postmaster = (await serverProcesses(pg.url)).postmaster;
    }
  } catch (e) {
    await mosq?.stop();
    await pg?.stop();
    throw e;
  }
  const args: string[] = [];
  const env: Record<string, string> = {};
  if (mosq) {
    args.push("--broker", mosq.url, "--broker-username", RELAY_USER);
    env.BTTN_BROKER_PASSWORD = RELAY_PASSWORD;
  }
  if (pg) env.BTTN_STORE = pg.url; // the URL holds the password
  if (setup.relays > 1) args.push("--share-group", SHARE_GROUP);
  return {
    brokerPort: mosq?.port,
    relayArgs: () => [...args],
    relayEnv: env,
    cpuTicks() {
      const out: Record<string, number> = {};
      if (mosq?.pid) out.mosquitto = procStat(mosq.pid).cpuTicks;
      if (postmaster) out.postgres = treeCpuTicks(postmaster);
      return out;
    },
    async stop() {
      // BENCH_PG_LOG=1: the end of PostgreSQL's log (deadlocks, slow starts of connections) before it goes.
      if (pg && process.env.BENCH_PG_LOG) console.error("  PostgreSQL's log (its end):\n" + pg.logs());
      await mosq?.stop();
      await pg?.stop();
    },
  };
}
