// A small leveled logger: one line per record on stderr, `key=value` fields, secrets redacted.
// The relay runs on a Pi under systemd or in a terminal; plain lines read well in both.
//
// Much of what is logged comes from the network (user names, client ids, topics, request paths),
// so a hostile client must not be able to flood the log or write into the terminal: every value is
// cut to MAX_VALUE_CHARS and its control characters escaped, and refusals that can repeat go
// through `repeated`, which logs the first and then one summary line per window.
import { isJournalStream, SYSLOG_PRIORITY } from "./journal";
import { redactUrl } from "./redact";

export const LOG_LEVELS = ["silent", "error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

/** Longest value written into a log line (before escaping); the rest is replaced by a count. */
export const MAX_VALUE_CHARS = 300;
/** How long `repeated` gathers repeats of one key into a summary line. */
export const REPEAT_WINDOW_MS = 10_000;
/** Keys `repeated` tracks at once; beyond, repeats of new keys share one overflow key. */
const MAX_REPEAT_KEYS = 1000;

export interface Logger {
  level: LogLevel;
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  /** Logs a warning only the first time `key` is seen (e.g. "TLS validation off for action X"). */
  warnOnce(key: string, msg: string, fields?: LogFields): void;
  /**
   * Logs the first record of `key` now; further ones within the window are only counted, and at
   * its end one line says "<n> more <what> in the last 10 s" (e.g. what = "refused logins from
   * 10.0.0.7"). A key is forgotten after a window without repeats.
   */
  repeated(key: string, what: string, level: Exclude<LogLevel, "silent">, msg: string, fields?: LogFields): void;
  /** Stops the summary timers (pending summaries are written now). */
  flush(): void;
}

const SECRET_KEY = /secret|password|passwd|token|api.?key|authorization|cookie/i;

// C0 and C1 controls, DEL, the Unicode line and paragraph separators, and what quoting needs.
const ESCAPE = /[\x00-\x1f\x7f-\x9f\u2028\u2029"\\]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\" };

function escapeChar(c: string): string {
  const n = NAMED[c];
  if (n) return n;
  const code = c.charCodeAt(0);
  return code > 0xff ? "\\u" + code.toString(16).padStart(4, "0") : "\\x" + code.toString(16).padStart(2, "0");
}

/** `s` as one log value: cut, escaped, and quoted when it has spaces, quotes, '=' or escapes. */
export function formatLogValue(s: string): string {
  if (s.length > MAX_VALUE_CHARS) s = s.slice(0, MAX_VALUE_CHARS) + "…[" + (s.length - MAX_VALUE_CHARS) + " more chars]";
  const escaped = s.replace(ESCAPE, escapeChar);
  return escaped !== s || /[\s=]/.test(s) || s === "" ? '"' + escaped + '"' : s;
}

function formatValue(key: string, v: unknown): string {
  if (SECRET_KEY.test(key)) return "[redacted]";
  let s = typeof v === "string" ? v : v instanceof Error ? v.message : JSON.stringify(v);
  if (s === undefined) s = String(v);
  if (key === "url") s = redactUrl(s);
  return formatLogValue(s);
}

interface Repeat {
  what: string;
  level: Exclude<LogLevel, "silent">;
  count: number;
  timer: NodeJS.Timeout;
}

const toStderr = (line: string) => void process.stderr.write(line + "\n");

/**
 * `journal`: lines for systemd's journal (a "<N>" priority first, no time; journal.ts). By default
 * so when the lines go to stderr and stderr is the journal.
 */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = toStderr,
  windowMs = REPEAT_WINDOW_MS,
  journal = write === toStderr && isJournalStream(),
): Logger {
  const rank = (l: LogLevel) => LOG_LEVELS.indexOf(l);
  const seen = new Set<string>();
  const repeats = new Map<string, Repeat>();
  const windowText = windowMs % 1000 === 0 ? windowMs / 1000 + " s" : windowMs + " ms";

  function endWindow(key: string) {
    const r = repeats.get(key);
    if (!r) return;
    if (r.count === 0) {
      repeats.delete(key);
      return;
    }
    emit(r.level, r.count + " more " + r.what + " in the last " + windowText);
    r.count = 0;
    r.timer.refresh(); // one more window: a steady flood gives one line per window
  }

  const logger: Logger = {
    level,
    error: (m, f) => emit("error", m, f),
    warn: (m, f) => emit("warn", m, f),
    info: (m, f) => emit("info", m, f),
    debug: (m, f) => emit("debug", m, f),
    warnOnce(key, m, f) {
      if (seen.has(key)) return;
      seen.add(key);
      emit("warn", m, f);
    },
    repeated(key, what, l, m, f) {
      if (rank(l) > rank(logger.level) || logger.level === "silent") return;
      if (!repeats.has(key) && repeats.size >= MAX_REPEAT_KEYS) {
        key = "(overflow)";
        what = "records of other kinds";
      }
      const r = repeats.get(key);
      if (r) {
        r.count++;
        return;
      }
      const timer = setTimeout(() => endWindow(key), windowMs);
      timer.unref();
      repeats.set(key, { what, level: l, count: 0, timer });
      emit(l, m, f);
    },
    flush() {
      for (const [key, r] of [...repeats]) {
        clearTimeout(r.timer);
        if (r.count) emit(r.level, r.count + " more " + r.what + " in the last " + windowText);
        repeats.delete(key);
      }
    },
  };
  function emit(l: LogLevel, msg: string, fields?: LogFields) {
    if (rank(l) > rank(logger.level) || logger.level === "silent") return;
    const head = journal ? "<" + SYSLOG_PRIORITY[l as keyof typeof SYSLOG_PRIORITY] + ">" : new Date().toISOString() + " ";
    let line = head + l.padEnd(5) + " " + msg;
    if (fields) {
      for (const k of Object.keys(fields)) {
        if (fields[k] !== undefined) line += " " + k + "=" + formatValue(k, fields[k]);
      }
    }
    write(line);
  }
  return logger;
}
