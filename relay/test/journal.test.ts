// Log lines for systemd's journal: when stderr is the journal stream systemd names in
// JOURNAL_STREAM, every line starts with its syslog priority ("<3>" error ... "<7>" debug) and
// carries no time of its own; anywhere else (a terminal, a pipe, another file) lines stay plain.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isJournalStream } from "../src/journal";
import { createLogger } from "../src/log";
import { freePort } from "../../test/support/daemon";
import { sleep, tempDir, waitFor } from "../../test/support/temp";

const streamOf = (fd: number) => {
  const s = fstatSync(fd, { bigint: true });
  return s.dev + ":" + s.ino;
};

test("isJournalStream: only the very stream JOURNAL_STREAM names", () => {
  const dir = tempDir("journal");
  const a = openSync(join(dir.path, "a"), "w");
  const b = openSync(join(dir.path, "b"), "w");
  try {
    assert.ok(isJournalStream(a, { JOURNAL_STREAM: streamOf(a) }));
    assert.not.ok(isJournalStream(b, { JOURNAL_STREAM: streamOf(a) }), "another file");
    assert.not.ok(isJournalStream(a, {}), "no variable");
    assert.not.ok(isJournalStream(a, { JOURNAL_STREAM: "garbage" }));
    assert.not.ok(isJournalStream(999, { JOURNAL_STREAM: streamOf(a) }), "a closed descriptor");
  } finally {
    closeSync(a);
    closeSync(b);
    dir.remove();
  }
});

test("journal lines: priority prefix per level, no timestamp, one line per record", () => {
  const lines: string[] = [];
  const log = createLogger("debug", (l) => lines.push(l), undefined, true);
  log.error("broke", { code: 7 });
  log.warn("careful");
  log.info("press ok", { bttn: "porch", note: "two\nlines" });
  log.debug("detail");
  assert.equal(lines, ["<3>error broke code=7", "<4>warn  careful", '<6>info  press ok bttn=porch note="two\\nlines"', "<7>debug detail"]);
  const plain: string[] = [];
  createLogger("info", (l) => plain.push(l)).info("x");
  assert.match(plain[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info  x$/);
});

test("the relay writing to the journal stream (stderr is the file JOURNAL_STREAM names): every line prefixed", async () => {
  const dir = tempDir("journal-relay");
  const file = join(dir.path, "journal");
  const fd = openSync(file, "w");
  try {
    const env = { ...process.env, JOURNAL_STREAM: streamOf(fd), BTTN_DATA: join(dir.path, "data"), BTTN_MQTT_PORT: String(await freePort()), BTTN_HTTP_PORT: String(await freePort()), BTTN_HOST: "127.0.0.1" };
    const child = spawn(process.execPath, [join(import.meta.dirname, "../bin/bttn-relay.js"), "run"], { env, stdio: ["ignore", "ignore", fd] });
    const exited = new Promise<number | null>((res) => child.on("exit", (c) => res(c)));
    await waitFor(() => readFileSync(file, "utf8").includes("relay started"), 30_000, "relay started");
    child.kill("SIGTERM");
    assert.is(await exited, 0);
    await sleep(50);
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    assert.ok(lines.length >= 4, lines.join("\n"));
    for (const l of lines) assert.match(l, /^<[3467]>(error|warn |info |debug) \S/, l);
    assert.ok(lines.some((l) => l.startsWith("<4>warn  ==== ADMIN TOKEN")), "warnings are priority 4");
    assert.ok(lines.some((l) => l.startsWith("<6>info  relay started")), "info is priority 6");

    // A start that fails ends with one error record.
    const bad = spawn(process.execPath, [join(import.meta.dirname, "../bin/bttn-relay.js"), "run", "--log-level", "loud"], { env, stdio: ["ignore", "ignore", fd] });
    assert.is(await new Promise((res) => bad.on("exit", res)), 2);
    await sleep(50);
    assert.match(readFileSync(file, "utf8"), /\n<3>bttn-relay: --log-level: must be one of silent, error, warn, info, debug\n$/);
  } finally {
    closeSync(fd);
    dir.remove();
  }
});

test.run();
