// Debian's mosquitto, started by a test on a free loopback port with its own password and ACL
// files in a temp dir: devices may use only their own topics, the relay user reads and writes all.
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { freePort } from "./daemon";
import { join } from "node:path";
import { tempDir, sleep } from "./temp";

export interface Mosquitto {
  port: number;
  url: string;
  /** The broker's process id while it runs (a benchmark reads its CPU time from /proc). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
  /** Stops and starts again on the same port (broker restart). */
  restart(): Promise<void>;
}

export const MOSQUITTO_BIN = "/usr/sbin/mosquitto";

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => (s.destroy(), res(true)));
      s.once("error", () => res(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error("mosquitto did not open port " + port);
    await sleep(25);
  }
}

/**
 * `tls`: the listener speaks MQTT over TLS with this certificate and key (files), and `url` is mqtts://.
 * `acl`: more `topic` lines per user (the relay's are added to its own), e.g. Home Assistant's topics.
 */
export async function startMosquitto(users: Record<string, string>, opts: { prefix?: string; tls?: { certFile: string; keyFile: string }; acl?: Record<string, string[]> } = {}): Promise<Mosquitto> {
  if (!existsSync(MOSQUITTO_BIN)) throw new Error("mosquitto is not installed: apt-get install mosquitto");
  const prefix = opts.prefix ?? "bttn";
  const dir = tempDir("mosquitto");
  const passwd = join(dir.path, "passwd");
  writeFileSync(passwd, "");
  for (const [u, p] of Object.entries(users)) execFileSync("/usr/bin/mosquitto_passwd", ["-b", passwd, u, p]);
  const acl = join(dir.path, "acl");
  writeFileSync(
    acl,
    [
      "user relay",
      `topic readwrite ${prefix}/#`,
      ...(opts.acl?.relay ?? []),
      "",
      ...Object.entries(opts.acl ?? {})
        .filter(([u]) => u !== "relay")
        .flatMap(([u, lines]) => [`user ${u}`, ...lines, ""]),
      `pattern write ${prefix}/%u/event`,
      `pattern write ${prefix}/%u/status`,
      `pattern read ${prefix}/%u/result`,
      `pattern read ${prefix}/%u/config`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const conf = join(dir.path, "mosquitto.conf");
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      ...(opts.tls ? [`certfile ${opts.tls.certFile}`, `keyfile ${opts.tls.keyFile}`] : []),
      "allow_anonymous false",
      `password_file ${passwd}`,
      `acl_file ${acl}`,
      // Run as root (tests do), mosquitto would switch to its own user, which cannot read our temp dir.
      ...(process.getuid?.() === 0 ? ["user root"] : []),
      "persistence false",
      "set_tcp_nodelay true",
      "max_queued_messages 10000",
      "log_dest stderr",
      "log_type error",
      "",
    ].join("\n"),
  );
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(MOSQUITTO_BIN, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    const exited = new Promise<never>((_, rej) => child!.once("exit", (c) => rej(new Error("mosquitto exited " + c + ": " + err))));
    await Promise.race([waitForPort(port, 5000), exited]);
    exited.catch(() => {});
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const c = child;
    await new Promise<void>((res) => {
      c.once("exit", () => res());
      c.kill("SIGTERM");
    });
  };
  await start();
  return {
    port,
    url: `${opts.tls ? "mqtts" : "mqtt"}://127.0.0.1:${port}`,
    get pid() {
      return child?.exitCode === null ? child.pid : undefined;
    },
    restart: async () => {
      await stop();
      await start();
    },
    stop: async () => {
      await stop();
      dir.remove();
    },
  };
}
