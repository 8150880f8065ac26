// Which MQTT client ids a bttn may use on the embedded broker. The broker keys sessions by client
// id: a second login with an id takes over (and closes) the first one's connection, a persistent
// session hands its queued results to whoever logs in with its id, and a clean login wipes it. So
// a bttn may only use ids that are its own: exactly its bttn id (what the firmware sends), or
// `<bttn id>.<suffix>` for a second client of the same bttn (a test tool, a simulator).
//
// The separator is a '.', which a bttn id cannot contain: with '-' (allowed in ids) bttn "kitchen"
// could claim "kitchen-door", the exact id of bttn "kitchen-door".
import { checkBttnId, MAX_ID_LENGTH } from "@bttn/shared";

export const CLIENT_ID_SEPARATOR = ".";
/** A suffix: 1 to 32 letters, digits, '-' or '_' (the bttn id alphabet). */
export const CLIENT_ID_RULE = "the client id must be the bttn id, or the bttn id, '.' and a suffix of 1-" + MAX_ID_LENGTH + " letters, digits, '-' or '_'";

/** True when a bttn logged in as `bttnId` may use `clientId`. */
export function clientIdBelongsTo(clientId: string, bttnId: string): boolean {
  if (clientId === bttnId) return true;
  if (clientId.length <= bttnId.length + 1 || !clientId.startsWith(bttnId + CLIENT_ID_SEPARATOR)) return false;
  return checkBttnId(clientId.slice(bttnId.length + 1)) === "";
}
