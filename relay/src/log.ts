// A small leveled logger: one line per record on stderr, `key=value` fields, secrets redacted.
// The relay runs on a Pi under systemd or in a terminal; plain lines read well in both.
import { redactUrl } from "./redact";

export const LOG_LEVELS = ["silent", "error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  level: LogLevel;
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  /** Logs a warning only the first time `key` is seen (e.g. "TLS validation off for action X"). */
  warnOnce(key: string, msg: string, fields?: LogFields): void;
}

const SECRET_KEY = /secret|password|passwd|token|api.?key|authorization|cookie/i;

function formatValue(key: string, v: unknown): string {
  if (SECRET_KEY.test(key)) return "[redacted]";
  let s = typeof v === "string" ? v : v instanceof Error ? v.message : JSON.stringify(v);
  if (s === undefined) s = String(v);
  if (key === "url") s = redactUrl(s);
  return /[\s"=]/.test(s) || s === "" ? JSON.stringify(s) : s;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l + "\n")): Logger {
  const rank = (l: LogLevel) => LOG_LEVELS.indexOf(l);
  const seen = new Set<string>();
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
  };
  function emit(l: LogLevel, msg: string, fields?: LogFields) {
    if (rank(l) > rank(logger.level) || logger.level === "silent") return;
    let line = new Date().toISOString() + " " + l.padEnd(5) + " " + msg;
    if (fields) {
      for (const k of Object.keys(fields)) {
        if (fields[k] !== undefined) line += " " + k + "=" + formatValue(k, fields[k]);
      }
    }
    write(line);
  }
  return logger;
}
