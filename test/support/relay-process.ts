// Starts a relay in a child process (relay-child.ts) and reads its resident memory from /proc.
import { fork, ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RelayOptions } from "../../relay/src/relay";

export interface RelayProcess {
  child: ChildProcess;
  mqttPort: number;
  httpPort: number;
  /** Log lines so far. */
  logs(): string[];
  /** Resident set size now, in MB. */
  rssMb(): number;
  close(): Promise<void>;
}

type Serializable = Omit<RelayOptions, "log" | "lookup">;

export function startRelayProcess(opts: Serializable): Promise<RelayProcess> {
  const child = fork(join(import.meta.dirname, "relay-child.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BTTN_RELAY_OPTIONS: JSON.stringify(opts) },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error("the relay exited (" + code + ") before it started:\n" + err.slice(-3000))));
    child.once("message", (m: { mqttPort: number; httpPort: number }) =>
      resolve({
        child,
        mqttPort: m.mqttPort,
        httpPort: m.httpPort,
        logs: () => err.split("\n").filter(Boolean),
        rssMb() {
          const kb = /VmRSS:\s+(\d+)/.exec(readFileSync("/proc/" + child.pid + "/status", "utf8"))![1];
          return Number(kb) / 1024;
        },
        async close() {
          if (child.exitCode !== null || child.signalCode !== null) return; // ended, or killed by a test
          child.send({ cmd: "close" });
          const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(timer);
        },
      }),
    );
  });
}
