// What a webhook server may say on its callback URL. Two vocabularies are in use by public clients
// of the original service: Positive/Negative/Wait and success/fail; both are accepted, in any case.

export type Verdict = "ok" | "negative" | "wait";

// A Map, not an object literal: a lookup on a plain object also finds what its prototype has, so
// "__proto__", "constructor" or "toString" would pass for verdicts.
const WORDS: ReadonlyMap<string, Verdict> = new Map([
  ["positive", "ok"],
  ["success", "ok"],
  ["negative", "negative"],
  ["fail", "negative"],
  ["wait", "wait"],
]);

export const ACCEPTED_RESULTS = "Positive, Negative, Wait, success or fail";

export function parseVerdict(word: unknown): Verdict | undefined {
  return typeof word === "string" ? WORDS.get(word.trim().toLowerCase()) : undefined;
}
