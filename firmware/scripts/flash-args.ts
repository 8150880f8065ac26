// The command line of flash.sh: what the user asked for, checked for shape only (files and ports
// are checked later, by the step that uses them).

export interface FlashArgs {
  help: boolean;
  /** A serial device path or tcp://host[:port]. */
  port?: string;
  /** The per-device file (bttn.json format). */
  config?: string;
  /** A ready bundle to send instead of building one. */
  bundle?: string;
  /** Write what would be sent into this folder; talk to no board. */
  dryRun?: string;
  /** Espruino release folder to flash the interpreter from, with esptool. */
  espruinoFirmware?: string;
  baud: number;
  /** Seconds to wait for the board to answer before giving up. */
  timeoutS: number;
  /** Show what the board prints (secrets masked). */
  verbose: boolean;
}

export const USAGE = `Usage: ./flash.sh --port PORT --config FILE [options]

Builds the bttn firmware, checks the device file, writes it as bttn.json and the firmware as
.bootcde into the board's Storage with the espruino CLI, reads both back (size and CRC32),
and restarts the board.

  -p, --port PORT              serial port (/dev/ttyUSB0) or the board's telnet console over
                               Wi-Fi: tcp://HOST[:PORT] (port 23 if left out)
  -c, --config FILE            the device file, as printed by 'bttn-relay bttn add <id>'
      --bundle FILE            send this firmware bundle instead of building one
                               (default: npm run build -w firmware, then firmware/dist/bttn.js)
      --dry-run DIR            talk to no board: write into DIR exactly what would be sent,
                               the two files (bttn.json, .bootcde) and the JS command stream
                               (upload.js); --port is then not needed
      --espruino-firmware DIR  first flash the Espruino interpreter itself from an ESP32
                               release folder (bootloader.bin, partitions_espruino.bin,
                               espruino_esp32.bin) with esptool; serial port only. Without
                               --config only the interpreter is flashed.
  -b, --baud N                 serial baud rate (default 115200, what Espruino on ESP32 uses)
      --timeout S              seconds to wait for the board to answer (default 8)
  -v, --verbose                show what the board prints (the secret and Wi-Fi password masked)
  -h, --help                   this text

A bttn in 'sleep' power mode only listens while it is awake: press its button, then flash.
Exit status: 0 flashed and verified, 1 failed, 2 bad command line.`;

export class UsageError extends Error {}

const VALUE_OPTIONS: Record<string, keyof FlashArgs> = {
  "-p": "port",
  "--port": "port",
  "-c": "config",
  "--config": "config",
  "--bundle": "bundle",
  "--dry-run": "dryRun",
  "--espruino-firmware": "espruinoFirmware",
  "-b": "baud",
  "--baud": "baud",
  "--timeout": "timeoutS",
};

export function parseArgs(argv: string[]): FlashArgs {
  const a: FlashArgs = { help: false, baud: 115200, timeoutS: 8, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value: string | undefined;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === "-h" || arg === "--help") {
      a.help = true;
      continue;
    }
    if (arg === "-v" || arg === "--verbose") {
      a.verbose = true;
      continue;
    }
    const key = VALUE_OPTIONS[arg];
    if (!key) throw new UsageError(arg.startsWith("-") ? "unknown option " + arg : "unexpected argument " + arg);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value === "") throw new UsageError(arg + " needs a value");
    }
    if (key === "baud" || key === "timeoutS") {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0 || (key === "baud" && !Number.isInteger(n))) {
        throw new UsageError(arg + " needs a positive number, not " + JSON.stringify(value));
      }
      a[key] = n;
    } else {
      a[key] = value as never;
    }
  }
  if (a.help) return a;
  if (!a.config && !a.espruinoFirmware) throw new UsageError("--config FILE is required (see --help)");
  if (!a.port && !a.dryRun) throw new UsageError("--port PORT is required, or --dry-run DIR (see --help)");
  if (a.dryRun && a.espruinoFirmware) throw new UsageError("--dry-run and --espruino-firmware do not go together");
  if (a.dryRun && !a.config) throw new UsageError("--dry-run needs --config FILE");
  return a;
}
