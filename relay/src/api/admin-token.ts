// The first admin token. At the first start (no admin key was ever made) the relay makes one and
// writes it into the log once, at warn level, in a line made to stand out: the one place where the
// relay prints a secret, on purpose, because whoever installs it needs a way in. Only its hash is
// kept. Later tokens come from `bttn-relay admin token`, which also recovers from a lost one;
// revoking every admin token does not make the relay print a new one at its next start.
import type { Logger } from "../log";
import type { KeyRepo } from "../store/store";

export const ADMIN_TOKEN_LINE = "ADMIN TOKEN, shown only now:";

export async function ensureAdminToken(keys: KeyRepo, log: Logger): Promise<void> {
  if (await keys.hasAdmin()) return;
  const { token } = await keys.create({ name: "first start", kind: "admin" });
  log.warn(
    "==== " + ADMIN_TOKEN_LINE + " " + token + " ==== for the REST API (Authorization: Bearer <token>); save it now, the relay keeps only its hash; `bttn-relay admin token` makes another",
  );
}
