// The layers an action may ask for, in their one order, for every engine that runs actions (the
// relay's, and `bttn-relay action test`'s): redirects wrap auth, so the redirect layer never
// replays credentials to another origin.
import { authLayer } from "./auth/layer";
import type { ActionEngine } from "./engine";
import { redirectLayer } from "./redirect";

export function withActionLayers(engine: ActionEngine): ActionEngine {
  return engine.use((a) => (a.followRedirects ? redirectLayer() : undefined)).use((a) => (a.auth ? authLayer(a.auth) : undefined));
}
