// Splits what the interpreter's console prints into lines and says what each one is. The console
// decorates its output: a prompt ">" that output may follow on the same line, "\r" before "\n",
// and ESC [ J (erase to the end of the screen) when output replaces the prompt.

export type ConsoleLine =
  /** An LED write from the preamble: `ms` since the last load(), duty 0-255. */
  | { kind: "pwm"; ms: number; pin: number; duty: number }
  /** The answer to a question the check asked (interpreter.ts `ask`). */
  | { kind: "answer"; id: number; text: string }
  /** Anything else the preamble said (@sleep, @watchdog). */
  | { kind: "preamble"; text: string }
  /** An exception nobody caught: always a failure. */
  | { kind: "error"; text: string }
  /** What the firmware logged, or the interpreter's own chatter. */
  | { kind: "log"; text: string };

/** Removes the console's decoration from one line of output. */
export function cleanLine(raw: string): string {
  return raw
    .replace(/\x1b\[[0-9;]*[A-Za-z]/g, "")
    .replace(/\r/g, "")
    .replace(/^>+/, "")
    .trimEnd();
}

export function parseLine(raw: string): ConsoleLine | undefined {
  const line = cleanLine(raw);
  if (!line.trim()) return undefined;
  let m = /^@pwm (\d+) (\d+) (\d+)$/.exec(line);
  if (m) return { kind: "pwm", ms: Number(m[1]), pin: Number(m[2]), duty: Number(m[3]) };
  // An empty answer loses its space to the trimming above.
  m = /^@r(\d+)(?: ([\s\S]*))?$/.exec(line);
  if (m) return { kind: "answer", id: Number(m[1]), text: m[2] ?? "" };
  if (line.startsWith("@")) return { kind: "preamble", text: line.slice(1) };
  if (/^Uncaught\b/.test(line.trim())) return { kind: "error", text: line.trim() };
  return { kind: "log", text: line };
}

/** Feeds chunks of console output, hands out whole lines as they complete. */
export function lineSplitter(onLine: (raw: string) => void): (chunk: string) => void {
  let partial = "";
  return (chunk) => {
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf("\n")) >= 0) {
      onLine(partial.slice(0, nl));
      partial = partial.slice(nl + 1);
    }
  };
}
