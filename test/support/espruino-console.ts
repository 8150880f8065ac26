// A stand-in for an ESP32 running Espruino, reached the way the `espruino` CLI reaches a real one
// over Wi-Fi: a TCP "telnet" console. It follows Espruino's console rules (src/jsinteractive.c):
// characters are echoed, a line runs when its brackets balance, DLE (0x10) at the start of a line
// turns echo and the "=result" off for that line, ESC+LF is a newline that does not run, ESC [ n d
// sets a line number, and a prompt ">" comes back once output has removed it. Lines run for real in
// a Node `vm` sandbox whose `require("Storage")` keeps files in memory with flash semantics
// (a write into an existing file can only clear bits), so a test can compare what ends up stored
// byte for byte.
import * as net from "node:net";
import * as vm from "node:vm";
import { crc32 } from "node:zlib";

export interface FakeEspruinoOptions {
  /** Accept connections and read everything, but never send a byte (a board that does not answer). */
  silent?: boolean;
  /** Damage one Storage write: the `nth` (1-based, default 2) write into `file` has one byte flipped. */
  corrupt?: { file: string; nth?: number };
  /** Echo every line, DLE or not, the way firmware without DLE support would. */
  echoAll?: boolean;
  /** What `process.env` reports. */
  env?: Record<string, string>;
}

export interface FakeEspruino {
  /** `tcp://127.0.0.1:PORT`, ready for `espruino -p`. */
  readonly url: string;
  readonly port: number;
  /** Storage files as bytes. */
  readonly storage: Map<string, Buffer>;
  /** Every line the console ran, in order, as it ran it (DLE removed, ESC+LF turned into LF). */
  readonly executed: string[];
  /** The same lines, one list per connection. */
  readonly sessions: string[][];
  /** Everything received, per connection, as bytes. */
  readonly received: Buffer[];
  /** How often `reset()`, `load()` and `E.reboot()` ran. */
  readonly counts: { connections: number; resets: number; loads: number; reboots: number };
  /** Storage.write calls, in order. */
  readonly writes: { name: string; offset: number; length: number }[];
  close(): Promise<void>;
}

const BANNER =
  "\r\n ____                 _ \r\n|  __|___ ___ ___ _ _|_|___ ___ \r\n|  __|_ -| . |  _| | | |   | . |\r\n" +
  "|____|___|  _|_| |___|_|_|_|___|\r\n         |_| espruino.com\r\n 2v29 (c) 2025 G.Williams\r\n\r\n";

const DEFAULT_ENV: Record<string, string> = {
  VERSION: "2v29",
  BOARD: "ESP32",
  CONSOLE: "Telnet",
  MODULES: "Flash,Storage,heatshrink,net,dgram,http,NetworkJS,Wifi,ESP32,TelnetServer,crypto,neopixel",
};

/** Binary strings (one char per byte) are how Espruino holds data; Buffers are how we compare it. */
const toBytes = (s: string) => Buffer.from(s, "latin1");
const toStr = (b: Buffer) => b.toString("latin1");

/** Bracket depth of `code` outside strings and comments, the test Espruino makes before running a line. */
function bracketDepth(code: string): number {
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (ch === '"' || ch === "'" || ch === "`") {
      for (i++; i < code.length && code[i] !== ch; i++) if (code[i] === "\\") i++;
    } else if (ch === "/" && code[i + 1] === "/") {
      while (i < code.length && code[i] !== "\n") i++;
    } else if (ch === "/" && code[i + 1] === "*") {
      const end = code.indexOf("*/", i + 2);
      i = end < 0 ? code.length : end + 1;
    } else if (ch === "(" || ch === "{" || ch === "[") depth++;
    else if (ch === ")" || ch === "}" || ch === "]") depth--;
  }
  return depth;
}

/** Espruino prints results as JSON, except undefined and functions. */
function show(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "function") return "function () { [native code] }";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export async function startFakeEspruino(options: FakeEspruinoOptions = {}): Promise<FakeEspruino> {
  const storage = new Map<string, Buffer>();
  const executed: string[] = [];
  const sessions: string[][] = [];
  const received: Buffer[] = [];
  const writes: { name: string; offset: number; length: number }[] = [];
  const counts = { connections: 0, resets: 0, loads: 0, reboots: 0 };
  const writesPerFile = new Map<string, number>();
  const env = { ...DEFAULT_ENV, ...options.env };
  const sockets = new Set<net.Socket>();

  // The device's output goes to whichever connection is the console right now.
  let out: (s: string) => void = () => {};
  let promptShown = false;
  let todo: "" | "reset" | "load" | "reboot" = "";

  function print(...args: unknown[]): void {
    promptShown = false;
    out(args.map((a) => (typeof a === "string" ? a : show(a))).join(" ") + "\r\n");
  }

  function storageWrite(name: string, data: unknown, offset?: number, size?: number): boolean {
    if (typeof name !== "string" || name.length === 0 || name.length > 28) throw new Error("Invalid Storage file name");
    let bytes = typeof data === "string" ? toBytes(data) : Buffer.from(data as ArrayLike<number>);
    const n = (writesPerFile.get(name) ?? 0) + 1;
    writesPerFile.set(name, n);
    if (options.corrupt && options.corrupt.file === name && n === (options.corrupt.nth ?? 2) && bytes.length > 0) {
      bytes = Buffer.from(bytes);
      bytes[bytes.length >> 1] ^= 0x5a;
    }
    const at = offset ?? 0;
    writes.push({ name, offset: at, length: bytes.length });
    if (at === 0) {
      // Offset 0 starts a new file (of `size` bytes if given, the rest erased flash).
      const file = Buffer.alloc(size ?? bytes.length, 0xff);
      if (bytes.length > file.length) throw new Error("Too much data for file size");
      bytes.copy(file, 0);
      storage.set(name, file);
      return true;
    }
    const file = storage.get(name);
    if (!file) throw new Error("Can't write to a file that doesn't exist at an offset");
    if (at + bytes.length > file.length) throw new Error("Too much data for file size");
    // Flash can only clear bits: writing over written bytes ANDs them.
    for (let i = 0; i < bytes.length; i++) file[at + i] &= bytes[i];
    return true;
  }

  const Storage = {
    write: storageWrite,
    read(name: string, offset?: number, length?: number): string | undefined {
      const f = storage.get(name);
      if (!f) return undefined;
      const start = offset ?? 0;
      return toStr(f.subarray(start, length === undefined ? undefined : start + length));
    },
    readJSON(name: string, noExceptions?: boolean): unknown {
      const f = storage.get(name);
      if (!f) return undefined;
      try {
        return JSON.parse(toStr(f));
      } catch (e) {
        if (noExceptions) return undefined;
        throw e;
      }
    },
    writeJSON(name: string, v: unknown): boolean {
      return storageWrite(name, JSON.stringify(v));
    },
    erase(name: string): void {
      storage.delete(name);
    },
    list(): string[] {
      return [...storage.keys()];
    },
  };

  let sandbox: vm.Context;
  function freshSandbox(): void {
    sandbox = vm.createContext({
      require(m: string) {
        if (m === "Storage") return Storage;
        throw new Error("Module " + m + " not found");
      },
      print,
      console: { log: print },
      atob: (s: string) => toStr(Buffer.from(s, "base64")),
      btoa: (s: string) => toBytes(s).toString("base64"),
      E: {
        CRC32: (d: string) => crc32(toBytes(String(d))),
        reboot: () => {
          todo = "reboot";
        },
      },
      process: { env: { ...env } },
      reset: () => {
        todo = "reset";
      },
      load: () => {
        todo = "load";
      },
      echo: () => {},
    });
  }
  freshSandbox();

  const server = net.createServer((socket) => {
    counts.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    const rx: Buffer[] = [];
    const session: string[] = [];
    sessions.push(session);
    received.push(Buffer.alloc(0));
    const index = received.length - 1;
    if (options.silent) {
      socket.on("data", (d) => {
        rx.push(d);
        received[index] = Buffer.concat(rx);
      });
      return;
    }
    out = (s) => {
      if (!socket.destroyed) socket.write(toBytes(s));
    };

    let input = "";
    let echoOffForLine = false;
    let esc: "" | "esc" | "csi" = "";
    let hadCR = false;

    const showing = () => !echoOffForLine;
    const returnPrompt = () => {
      if (!promptShown) {
        promptShown = true;
        out(">");
      }
    };

    function newline(): void {
      if (bracketDepth(input) > 0) {
        if (showing()) out("\r\n:");
        input += "\n";
        return;
      }
      const line = input.trimEnd();
      const echoed = showing();
      input = "";
      if (echoed) {
        out("\r\n");
        promptShown = false;
      }
      let result: unknown;
      let failed = false;
      executed.push(line);
      session.push(line);
      try {
        result = line ? vm.runInContext(line, sandbox, { timeout: 2000 }) : undefined;
      } catch (e) {
        failed = true;
        const err = e as { name?: string; message?: string };
        print("Uncaught " + (err.name ?? "Error") + ": " + (err.message ?? String(e)));
      }
      if (echoed && !failed && line) {
        out("=" + show(result) + "\r\n");
      }
      echoOffForLine = false;
      const next = todo;
      todo = "";
      if (next === "reset") {
        counts.resets++;
        freshSandbox();
        promptShown = false;
        out(BANNER);
      } else if (next === "load") {
        counts.loads++;
        freshSandbox();
        promptShown = false;
      } else if (next === "reboot") {
        counts.reboots++;
        freshSandbox();
        // A hardware reboot drops the Wi-Fi console.
        socket.destroy();
        return;
      }
      returnPrompt();
    }

    function handle(ch: string): void {
      const code = ch.charCodeAt(0);
      if (esc === "esc") {
        esc = code === 0x5b ? "csi" : "";
        if (code === 0x0a) {
          // Alt-Enter: a newline inside the line, never a reason to run it.
          input += "\n";
          if (showing()) out("\r\n:");
        }
        return;
      }
      if (esc === "csi") {
        // ESC [ digits d sets the line number; nothing here needs it.
        if (!(code >= 0x30 && code <= 0x39)) esc = "";
        return;
      }
      if (code === 0x1b) {
        esc = "esc";
        return;
      }
      if (code === 0x03) {
        // Ctrl-C at the prompt clears the line.
        input = "";
        echoOffForLine = false;
        returnPrompt();
        return;
      }
      if (code === 0x10 && input.length === 0) {
        echoOffForLine = !options.echoAll;
        return;
      }
      if (code === 0x0a && hadCR) {
        hadCR = false;
        return;
      }
      hadCR = code === 0x0d;
      if (code === 0x0d || code === 0x0a) {
        newline();
        return;
      }
      if (code === 0x08 || code === 0x7f) {
        if (input.length) {
          input = input.slice(0, -1);
          if (showing()) out("\b \b");
        }
        return;
      }
      if (code >= 32 || code === 9) {
        input += ch;
        if (showing()) out(ch);
      }
    }

    socket.on("data", (d) => {
      rx.push(d);
      received[index] = Buffer.concat(rx);
      const s = toStr(d);
      for (let i = 0; i < s.length && !socket.destroyed; i++) handle(s[i]);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    url: "tcp://127.0.0.1:" + port,
    port,
    storage,
    executed,
    sessions,
    received,
    counts,
    writes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
