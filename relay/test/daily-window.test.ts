// Daily windows of wall-clock time in a zone: the last one ended and the next one ending, across
// midnight, across daylight-saving changes, and how the config writes them.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { lastEnded, nextEnding, parseBetween } from "../src/schedule/daily-window";
import { configFileSchema, formatIssues } from "../src/config/schema";

const iso = (p: { start: number; end: number }) => [new Date(p.start).toISOString(), new Date(p.end).toISOString()];
const at = (s: string) => Date.parse(s);

test("parseBetween: HH:MM-HH:MM on a 24-hour clock, ends different", () => {
  assert.equal(parseBetween("07:00-10:00"), { startMin: 420, endMin: 600 });
  assert.equal(parseBetween("22:30-02:00"), { startMin: 1350, endMin: 120 });
  for (const bad of ["7:00-10:00", "07:00-24:00", "07:00", "07:00-07:00", "07:60-08:00", " 07:00-10:00", ""]) assert.is(parseBetween(bad), undefined, bad);
});

test("Europe/Berlin in winter (UTC+1) and in summer (UTC+2)", () => {
  const w = parseBetween("07:00-10:00")!;
  assert.equal(iso(lastEnded(w, "Europe/Berlin", at("2026-01-15T12:00:00Z"))), ["2026-01-15T06:00:00.000Z", "2026-01-15T09:00:00.000Z"]);
  assert.equal(iso(lastEnded(w, "Europe/Berlin", at("2026-01-15T08:59:59Z"))), ["2026-01-14T06:00:00.000Z", "2026-01-14T09:00:00.000Z"]);
  assert.equal(iso(lastEnded(w, "Europe/Berlin", at("2026-01-15T09:00:00Z"))), ["2026-01-15T06:00:00.000Z", "2026-01-15T09:00:00.000Z"], "an end is inclusive");
  assert.equal(iso(nextEnding(w, "Europe/Berlin", at("2026-07-01T07:59:00Z"))), ["2026-07-01T05:00:00.000Z", "2026-07-01T08:00:00.000Z"]);
  assert.equal(iso(nextEnding(w, "Europe/Berlin", at("2026-07-01T08:00:00Z"))), ["2026-07-02T05:00:00.000Z", "2026-07-02T08:00:00.000Z"]);
});

test("the days a clock changes keep the wall-clock times; a window across midnight starts the day before", () => {
  const w = parseBetween("01:00-04:00")!;
  // 2026-03-29: Berlin skips 02:00-03:00 (UTC+1 to UTC+2): the window is two hours long that day.
  assert.equal(iso(lastEnded(w, "Europe/Berlin", at("2026-03-29T12:00:00Z"))), ["2026-03-29T00:00:00.000Z", "2026-03-29T02:00:00.000Z"]);
  // 2026-10-25: 03:00 becomes 02:00 again (UTC+2 to UTC+1): four hours long.
  assert.equal(iso(lastEnded(w, "Europe/Berlin", at("2026-10-25T12:00:00Z"))), ["2026-10-24T23:00:00.000Z", "2026-10-25T03:00:00.000Z"]);
  const night = parseBetween("22:00-02:00")!;
  assert.equal(iso(lastEnded(night, "America/New_York", at("2026-05-10T12:00:00Z"))), ["2026-05-10T02:00:00.000Z", "2026-05-10T06:00:00.000Z"]);
  assert.equal(iso(nextEnding(night, "UTC", at("2026-12-31T23:00:00Z"))), ["2026-12-31T22:00:00.000Z", "2027-01-01T02:00:00.000Z"]);
});

test("config: notPressed.between is checked where a bttn is declared", () => {
  const ok = configFileSchema.safeParse({ bttns: { hall: { secret: "hall-secret-1", notPressed: { between: "07:00-10:00" } } } });
  assert.ok(ok.success);
  const bad = configFileSchema.safeParse({ bttns: { hall: { secret: "hall-secret-1", notPressed: { between: "7-10" } } } });
  assert.not.ok(bad.success);
  assert.match(formatIssues(bad.error!), /^bttns\.hall\.notPressed\.between: must be a daily window "HH:MM-HH:MM"/);
  const extra = configFileSchema.safeParse({ bttns: { hall: { secret: "hall-secret-1", notPressed: { every: "24h" } } } });
  assert.not.ok(extra.success, "only the daily window shape");
});

test.run();
