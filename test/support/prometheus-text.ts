// A strict reader of Prometheus' text exposition format (version 0.0.4), written from its spec so
// a test can check every line the relay serves on /metrics: HELP and TYPE lines, samples with
// escaped label values, values (decimal floats, NaN, +Inf, -Inf in any case, as Go's ParseFloat reads them), one TYPE per family before its samples,
// histograms with cumulative buckets ending in +Inf equal to _count. Any other line throws, naming
// the line and what is wrong with it.

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help?: string;
  samples: Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = "[a-zA-Z_][a-zA-Z0-9_]*";
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
/** A label value: any character but `"`, `\` and a line break, or one of the escapes \\ \" \n. */
const VALUE_CHARS = String.raw`(?:[^"\\\n]|\\[\\"n])*`;
const PAIR = `${LABEL}="${VALUE_CHARS}"`;
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{((?:${PAIR})(?:,${PAIR})*,?)?\\})? (\\S+)(?: (-?\\d+))?$`);
const PAIR_G = new RegExp(`(${LABEL})="(${VALUE_CHARS})"`, "g");
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** As Go's ParseFloat reads it (the spec's word): decimals, and NaN, Inf, Infinity in any case, signed. */
function parseValue(v: string): number | undefined {
  if (/^nan$/i.test(v)) return NaN;
  const inf = /^([+-]?)inf(inity)?$/i.exec(v);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  return FLOAT.test(v) ? Number(v) : undefined;
}

function unescape(v: string): string {
  return v.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
}

/** The family a sample belongs to: a histogram's `_bucket`, `_sum` and `_count` belong to its name. */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  const own = families.get(name);
  if (own) return own;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  const f = m ? families.get(m[1]) : undefined;
  if (f && (f.type === "histogram" || (f.type === "summary" && m![2] !== "bucket"))) return f;
  return undefined;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a line break");
  const families = new Map<string, Family>();
  const lines = text.slice(0, -1).split("\n");
  lines.forEach((line, i) => {
    const where = `line ${i + 1} ${JSON.stringify(line)}`;
    if (line === "") return;
    if (line.startsWith("#")) {
      const help = HELP_LINE.exec(line);
      const type = TYPE_LINE.exec(line);
      if (help) {
        const f = families.get(help[1]);
        if (f?.help !== undefined) throw new Error(where + ": a second HELP for " + help[1]);
        if (f) f.help = help[2];
        else families.set(help[1], { name: help[1], type: "untyped", help: help[2], samples: [] });
        return;
      }
      if (type) {
        const f = families.get(type[1]);
        if (f && (f.samples.length || f.type !== "untyped")) throw new Error(where + ": TYPE after samples or a second TYPE for " + type[1]);
        if (f) f.type = type[2] as MetricType;
        else families.set(type[1], { name: type[1], type: type[2] as MetricType, samples: [] });
        return;
      }
      if (/^# (HELP|TYPE)\b/.test(line)) throw new Error(where + ": malformed HELP or TYPE line");
      return; // a plain comment
    }
    const m = SAMPLE_LINE.exec(line);
    if (!m) throw new Error(where + ": not a sample line");
    const value = parseValue(m[3]);
    if (value === undefined) throw new Error(where + ": not a value: " + m[3]);
    const labels: Record<string, string> = {};
    for (const p of (m[2] ?? "").matchAll(PAIR_G)) {
      if (p[1] in labels) throw new Error(where + ": label " + p[1] + " twice");
      labels[p[1]] = unescape(p[2]);
    }
    const f = familyOf(m[1], families);
    if (!f) throw new Error(where + ": sample of " + m[1] + " without a TYPE line before it");
    f.samples.push({ name: m[1], labels, value });
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

/** Buckets cumulative (le ascending), the last +Inf, equal to _count, for every label set. */
function checkHistogram(f: Family): void {
  const series = new Map<string, Sample[]>();
  const key = (l: Record<string, string>) => JSON.stringify(Object.entries(l).filter(([k]) => k !== "le").sort());
  for (const s of f.samples) {
    const k = key(s.labels);
    if (!series.has(k)) series.set(k, []);
    series.get(k)!.push(s);
  }
  for (const [k, samples] of series) {
    const buckets = samples.filter((s) => s.name === f.name + "_bucket");
    const count = samples.find((s) => s.name === f.name + "_count");
    const sum = samples.find((s) => s.name === f.name + "_sum");
    if (!count || !sum || !buckets.length) throw new Error(f.name + " " + k + ": a histogram needs _bucket, _sum and _count");
    let prevLe = -Infinity;
    let prev = 0;
    for (const b of buckets) {
      const le = parseValue(b.labels.le ?? "");
      if (le === undefined || le <= prevLe) throw new Error(f.name + " " + k + ": bucket bounds must rise, got le=" + b.labels.le);
      if (b.value < prev) throw new Error(f.name + " " + k + ": buckets must be cumulative");
      prevLe = le;
      prev = b.value;
    }
    if (prevLe !== Infinity) throw new Error(f.name + " " + k + ": the last bucket must be le=+Inf");
    if (prev !== count.value) throw new Error(f.name + " " + k + ": the +Inf bucket (" + prev + ") must equal _count (" + count.value + ")");
  }
}

/** The value of the sample `name` whose labels include `labels` (undefined when there is none). */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const f = familyOf(name, families);
  const s = f?.samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  return s?.value;
}
