// npm run footprint [-- --idle-seconds 60 --presses 1000 --rate 20]
// What the relay costs a Raspberry Pi: memory at idle and under presses, and what it writes to the
// SD card. Starts the bundled relay as `npm start` and the service run it (bin/start.js, embedded
// broker, one bttn whose action posts JSON to a loopback webhook sink), connects a bttn as a real
// MQTT client (the firmware's protocol: retained status, QoS 1 presses), then:
//   idle:    the bttn connected, nothing pressed, for --idle-seconds: RSS each second, and the bytes
//            the relay process sent to storage (/proc/<pid>/io write_bytes);
//   presses: --presses presses at --rate a second, each awaited to its result: RSS every 100 ms,
//            write_bytes, and the database's growth once the relay stopped (history per press);
// and prints the figures with the machine they were measured on. The data directory is made in the
// system's temporary directory, which must be on a disk (write_bytes of tmpfs is 0: it says so).
import { parseArgs } from "node:util";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { encodeStatus, topicFor } from "@bttn/shared";
import { connectDevice } from "../test/support/device";
import { freePort } from "../test/support/daemon";
import { startSink } from "../test/support/webhook-sink";
import { sleep, tempDir } from "../test/support/temp";

const ROOT = join(import.meta.dirname, "..");
const { values: opt } = parseArgs({
  options: { "idle-seconds": { type: "string", default: "60" }, presses: { type: "string", default: "1000" }, rate: { type: "string", default: "20" } },
});
const IDLE_S = Number(opt["idle-seconds"]);
const PRESSES = Number(opt.presses);
const RATE = Number(opt.rate);

const MB = 1024 * 1024;
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
const hwmMb = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
/** Bytes this process (all its threads) sent to the storage layer, and asked write() to write. */
function io(pid: number): { writeBytes: number; wchar: number } {
  const t = readFileSync(`/proc/${pid}/io`, "utf8");
  return { writeBytes: Number(/^write_bytes:\s+(\d+)/m.exec(t)![1]), wchar: Number(/^wchar:\s+(\d+)/m.exec(t)![1]) };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fsType = (path: string) => {
  try {
    return execFileSync("findmnt", ["-n", "-o", "FSTYPE", "-T", path], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
};

console.error("building the relay bundle (npm run build -w relay)...");
execFileSync("npm", ["run", "build", "-w", "relay", "--silent"], { cwd: ROOT, stdio: "inherit" });

const dir = tempDir("footprint");
const dataDir = join(dir.path, "data");
const dataFs = fsType(dir.path);
const sink = await startSink();
const secret = "footprint-secret-1";
const config = {
  relay: { rateLimit: "off" },
  bttns: { kitchen: { name: "Kitchen", secret, actions: { pressed: { http: { method: "POST", url: sink.url("/kitchen"), format: "json", args: { who: "<NAME>", count: "<COUNTER>", at: "<DATETIME>" } } } } } },
};
writeFileSync(join(dir.path, "bttn-relay.json"), JSON.stringify(config));
const mqttPort = await freePort();
const httpPort = await freePort();
const relay = spawn(process.execPath, ["--enable-source-maps", join(ROOT, "relay/bin/start.js"), "run", "--config", join(dir.path, "bttn-relay.json"), "--data", dataDir, "--mqtt-port", String(mqttPort), "--http-port", String(httpPort), "--host", "127.0.0.1", "--log-level", "info"], {
  cwd: dir.path,
  stdio: ["ignore", "ignore", "pipe"],
});
const pid = relay.pid!;
process.once("exit", () => relay.kill("SIGKILL"));
let log = "";
relay.stderr!.on("data", (d) => (log += d));
const exited = new Promise<number | null>((res) => relay.once("exit", (c) => res(c)));
for (let i = 0; !log.includes("relay started"); i++) {
  if (i > 600 || relay.exitCode !== null) throw new Error("the relay did not start:\n" + log);
  await sleep(50);
}

const device = await connectDevice({ port: mqttPort, id: "kitchen", secret });
await device.client.publishAsync(topicFor("bttn", "kitchen", "status"), encodeStatus({ v: 1, online: true, fw: "0.1.0" }), { qos: 1, retain: true });
await sleep(3000); // start-up writes (new database, admin token, config) settle and are checkpointed

// Idle.
console.error(`idle for ${IDLE_S} s...`);
const idleIo0 = io(pid);
const idleRss: number[] = [];
for (let s = 0; s < IDLE_S; s++) {
  idleRss.push(rssMb(pid));
  await sleep(1000);
}
const idleIo1 = io(pid);
const idleWritePerDay = ((idleIo1.writeBytes - idleIo0.writeBytes) / IDLE_S) * 86400;

// Presses.
console.error(`${PRESSES} presses at ${RATE}/s...`);
const dbBefore = statSync(join(dataDir, "bttn.db")).size;
const logBefore = log.length;
const pressIo0 = io(pid);
const pressRss: number[] = [];
const sampler = setInterval(() => pressRss.push(rssMb(pid)), 100);
const started = performance.now();
let ok = 0;
for (let i = 0; i < PRESSES; i++) {
  const due = started + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
  const seq = await device.press("pressed", { bat: 3.01, rssi: -61 });
  if ((await device.result(seq, ["ok", "fail"], 15_000)).state === "ok") ok++;
}
const pressSeconds = (performance.now() - started) / 1000;
await sleep(3000); // the WAL checkpoint (every second) and the kernel's accounting catch up
clearInterval(sampler);
const pressIo1 = io(pid);
const logPerPress = (log.length - logBefore) / PRESSES;
const peakMb = hwmMb(pid);
await device.close();
relay.kill("SIGTERM");
const code = await exited;
await sink.close();

// The database after a clean stop: WAL checkpointed into the file.
const dbAfter = statSync(join(dataDir, "bttn.db")).size;
const db = new Database(join(dataDir, "bttn.db"), { readonly: true });
const events = db.prepare("SELECT count(*) FROM events").pluck().get() as number;
const runs = db.prepare("SELECT count(*) FROM runs").pluck().get() as number;
const pageSize = db.pragma("page_size", { simple: true }) as number;
db.close();
dir.remove();

const kb = (b: number) => (b / 1024).toFixed(1) + " KiB";
const perPressWrite = (pressIo1.writeBytes - pressIo0.writeBytes) / PRESSES;
const perPressWchar = (pressIo1.wchar - pressIo0.wchar) / PRESSES;
const lines = [
  `bttn-relay footprint, ${new Date().toISOString().slice(0, 10)}`,
  `machine: ${cpus().length} x ${cpus()[0]?.model ?? "?"}, ${(totalmem() / MB / 1024).toFixed(1)} GiB RAM, Linux ${release()}, Node ${process.versions.node}, data on ${dataFs}`,
  `idle (1 bttn connected, ${IDLE_S} s): RSS median ${median(idleRss).toFixed(1)} MB (min ${Math.min(...idleRss).toFixed(1)}, max ${Math.max(...idleRss).toFixed(1)}); written to storage ${idleIo1.writeBytes - idleIo0.writeBytes} bytes, ${kb(idleWritePerDay)} a day`,
  `presses: ${ok} of ${PRESSES} ok in ${pressSeconds.toFixed(1)} s (${RATE}/s asked); RSS median ${median(pressRss).toFixed(1)} MB, max ${Math.max(...pressRss).toFixed(1)} MB; peak RSS of the whole run ${peakMb.toFixed(1)} MB`,
  `written to storage per press: ${perPressWrite.toFixed(0)} bytes (all write() calls, sockets included: ${perPressWchar.toFixed(0)} bytes)`,
  `history per press: ${((dbAfter - dbBefore) / PRESSES).toFixed(0)} bytes of database (${kb(dbBefore)} -> ${kb(dbAfter)}, ${events} events, ${runs} runs, page ${pageSize} bytes)`,
  `log per press at --log-level info: ${logPerPress.toFixed(0)} bytes (stderr; the journal under systemd)`,
  `relay exit code ${code}`,
];
console.log(lines.join("\n"));
if (dataFs === "tmpfs") console.log("NOTE: the data directory was on tmpfs, so write_bytes says nothing: set TMPDIR to a directory on a disk");
process.exit(code === 0 && ok === PRESSES ? 0 : 1);
