// flash.sh over a serial port, without a board: a pseudo-terminal stands in for /dev/ttyUSB0.
// A small Python helper opens the pty and relays its master side to the fake Espruino console, so
// the real `espruino` CLI opens a real tty through the serialport library. That library lists
// ports through udev (udevadm), which a test machine may lack, so a stand-in `udevadm` on PATH
// describes our pty as a CP2102 USB-serial adapter. esptool is a stand-in too: it records its
// arguments.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { startFakeEspruino } from "./support/espruino-console";
import { tempDir } from "./support/temp";
import { CliResult, runProcess } from "./support/cli";

const ROOT = join(import.meta.dirname, "..");
const FLASH = join(ROOT, "flash.sh");

function onPath(name: string): string {
  for (const d of (process.env.PATH ?? "").split(delimiter)) if (d && existsSync(join(d, name))) return join(d, name);
  throw new Error(name + " not found on PATH");
}
const BASH = onPath("bash");
const PYTHON = onPath("python3");

// argv: link-path ("" for none), "hold" | "free", relay TCP port (0 for none).
// Prints the slave's name, then relays master <-> TCP until stdin closes.
const PTY_HELPER = `
import os, pty, select, socket, sys, time, tty
m, s = pty.openpty()
tty.setraw(s)
name = os.ttyname(s)
if sys.argv[1]:
    os.symlink(name, sys.argv[1])
if sys.argv[2] != "hold":
    os.close(s)
port = int(sys.argv[3])
sock = socket.create_connection(("127.0.0.1", port)) if port else None
print(name, flush=True)
fds = [m, 0] + ([sock.fileno()] if sock else [])
while True:
    r, _, _ = select.select(fds, [], [], 0.5)
    if 0 in r and not os.read(0, 1024):
        break
    if m in r:
        try:
            d = os.read(m, 4096)
        except OSError:
            d = b""
        if d and sock:
            sock.sendall(d)
        elif not d:
            time.sleep(0.02)
    if sock and sock.fileno() in r:
        d = sock.recv(4096)
        if not d:
            break
        os.write(m, d)
`;

interface Pty {
  name: string;
  stop(): Promise<void>;
}

async function openPty(dir: string, o: { link?: string; hold?: boolean; relayPort?: number }): Promise<Pty> {
  const script = join(dir, "pty_relay.py");
  writeFileSync(script, PTY_HELPER);
  const child: ChildProcess = spawn(PYTHON, [script, o.link ?? "", o.hold ? "hold" : "free", String(o.relayPort ?? 0)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const name = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.trim());
    });
    child.on("exit", () => reject(new Error("pty helper ended early")));
  });
  return {
    name,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on("exit", () => resolve());
        child.stdin!.end();
        setTimeout(() => child.kill("SIGKILL"), 2000).unref();
      }),
  };
}

function flash(args: string[], env: NodeJS.ProcessEnv, limitMs = 60_000): Promise<CliResult> {
  return runProcess(BASH, [FLASH, ...args], { cwd: ROOT, env, timeoutMs: limitMs });
}

function script(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

function fixtures(dir: string) {
  const configPath = join(dir, "kitchen.json");
  const configBytes = Buffer.from(JSON.stringify({ id: "hall", secret: "hall-secret-5d1e", relay: { host: "bttn-relay.local", port: 1883 } }));
  writeFileSync(configPath, configBytes);
  const bundle = Buffer.from("(function(){print('bttn')})();\n" + "var x=1;\n".repeat(200));
  const bundlePath = join(dir, "bttn.js");
  writeFileSync(bundlePath, bundle);
  const release = join(dir, "espruino_2v29_esp32");
  mkdirSync(release);
  for (const f of ["bootloader.bin", "partitions_espruino.bin", "espruino_esp32.bin"]) writeFileSync(join(release, f), f);
  return { configPath, configBytes, bundle, bundlePath, release };
}

test("flashes the interpreter with esptool, then the firmware over the serial port at 115200", async () => {
  const tmp = tempDir("flash-serial");
  const fake = await startFakeEspruino({ env: { CONSOLE: "Serial1" } });
  const fx = fixtures(tmp.path);
  const bin = join(tmp.path, "bin");
  mkdirSync(bin);
  const tty = join(tmp.path, "ttyUSB0");
  const esptoolLog = join(tmp.path, "esptool.log");
  let pty: Pty | undefined;
  try {
    pty = await openPty(tmp.path, { link: tty, relayPort: fake.port });
    script(
      join(bin, "udevadm"),
      "#!/bin/sh\nprintf 'P: /devices/usb1/1-1/ttyUSB0\\nN: ttyUSB0\\nE: DEVNAME=%s\\nE: ID_VENDOR_ENC=Silicon\\\\x20Labs\\nE: ID_VENDOR_ID=10c4\\nE: ID_MODEL_ID=ea60\\n\\n' \"$BTTN_TTY\"\n",
    );
    script(join(bin, "esptool.py"), '#!/bin/sh\necho "$@" > "$BTTN_ESPTOOL_LOG"\n');
    const run = await flash(
      ["--port", tty, "--config", fx.configPath, "--bundle", fx.bundlePath, "--espruino-firmware", fx.release],
      { PATH: bin + delimiter + process.env.PATH, BTTN_TTY: tty, BTTN_ESPTOOL_LOG: esptoolLog },
    );
    assert.is(run.code, 0, run.stderr + run.stdout);
    assert.is(
      readFileSync(esptoolLog, "utf8").trim(),
      ["--chip esp32 --port", tty, "--baud 460800 write_flash", "0x1000", join(fx.release, "bootloader.bin"), "0x8000", join(fx.release, "partitions_espruino.bin"), "0x10000", join(fx.release, "espruino_esp32.bin")].join(" "),
    );
    assert.ok(fake.storage.get(".bootcde")?.equals(fx.bundle), ".bootcde differs from the bundle");
    assert.ok(fake.storage.get("bttn.json")?.equals(fx.configBytes), "bttn.json differs from the config");
    assert.is(fake.counts.loads, 1);
    assert.match(run.stdout, new RegExp("board {4}ESP32, Espruino 2v29 on " + tty.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.not.ok((run.stdout + run.stderr).includes("hall-secret-5d1e"));
  } finally {
    await pty?.stop();
    await fake.close();
    tmp.remove();
  }
});

test("a serial port another program holds open is reported busy, naming the program", async () => {
  const tmp = tempDir("flash-busy");
  const fx = fixtures(tmp.path);
  let pty: Pty | undefined;
  try {
    pty = await openPty(tmp.path, { hold: true });
    const run = await flash(["--port", pty.name, "--config", fx.configPath, "--bundle", fx.bundlePath], {});
    assert.is(run.code, 1);
    assert.match(run.stderr, new RegExp("error: port busy: " + pty.name + " is open in python3 \\(pid \\d+\\)"));
  } finally {
    await pty?.stop();
    tmp.remove();
  }
});

test("--espruino-firmware without esptool says how to get it; over tcp it is refused", async () => {
  const tmp = tempDir("flash-noesptool");
  const fx = fixtures(tmp.path);
  const bin = join(tmp.path, "bin");
  mkdirSync(bin);
  // Only node on PATH: no esptool.py, no esptool, no python3 with the esptool module.
  symlinkSync(process.execPath, join(bin, "node"));
  let pty: Pty | undefined;
  try {
    pty = await openPty(tmp.path, {});
    const run = await flash(["--port", pty.name, "--espruino-firmware", fx.release], { PATH: bin });
    assert.is(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /esptool not found/);
    assert.match(run.stderr, /pip install esptool/);

    const notRelease = await flash(["--port", pty.name, "--espruino-firmware", tmp.path], { PATH: bin });
    assert.is(notRelease.code, 1);
    assert.match(notRelease.stderr, /not an Espruino ESP32 release folder: .* lacks bootloader\.bin, partitions_espruino\.bin, espruino_esp32\.bin/);

    const overTcp = await flash(["--port", "tcp://127.0.0.1", "--espruino-firmware", fx.release], {});
    assert.is(overTcp.code, 1);
    assert.match(overTcp.stderr, /--espruino-firmware needs a serial port/);
  } finally {
    await pty?.stop();
    tmp.remove();
  }
});

test.run();
