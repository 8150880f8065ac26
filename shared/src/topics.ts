// Topic layout: <prefix>/<bttn id>/<kind>. The prefix defaults to "bttn" and is configurable on both
// sides; a bttn id is a single topic level (no '/', '+', '#').

import { onlyChars } from "./check";

/** Letters, digits, "-" and "_", as ranges for onlyChars; and the rule in words. */
export const ID_CHARS = "AZaz09--__";
export const ID_RULE = "may contain only letters, digits, '-' and '_'";

export const DEFAULT_PREFIX = "bttn";

export const TOPIC_KINDS = ["event", "result", "status", "config"] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

/** Largest payload either side accepts, in bytes. Events are ~100 bytes; anything near this is hostile. */
export const MAX_PAYLOAD = 1024;

export const MAX_ID_LENGTH = 32;

/** Why `id` cannot be a bttn id, or "" when it can. */
export function checkBttnId(id: unknown): string {
  if (typeof id !== "string" || id.length === 0) return "must be a non-empty string";
  if (id.length > MAX_ID_LENGTH) return "must be at most " + MAX_ID_LENGTH + " characters";
  if (!onlyChars(id, ID_CHARS)) return ID_RULE;
  return "";
}

export function topicFor(prefix: string, id: string, kind: TopicKind): string {
  return prefix + "/" + id + "/" + kind;
}

export interface TopicParts {
  id: string;
  kind: TopicKind;
}

/** Splits a topic of our layout; null when it is not one (other prefix, depth, kind or bad id). */
export function parseTopic(prefix: string, topic: string): TopicParts | null {
  const parts = topic.split("/");
  if (parts.length !== 3 || parts[0] !== prefix) return null;
  if (checkBttnId(parts[1]) !== "") return null;
  const kind = parts[2] as TopicKind;
  if (TOPIC_KINDS.indexOf(kind) < 0) return null;
  return { id: parts[1], kind: kind };
}
