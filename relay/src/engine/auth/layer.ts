// The auth layer an action asks for. Each call makes a fresh layer with its own Digest nonce
// cache, so one action's nonces and counters are never mixed with another's credentials.
import type { Layer } from "../http";
import { basicLayer } from "./basic";
import { digestLayer } from "./digest-layer";
import type { Credentials } from "./refusal";

export interface AuthConfig extends Credentials {
  type: "basic" | "digest";
}

export function authLayer(auth: AuthConfig): Layer {
  const cred: Credentials = { username: auth.username, password: auth.password };
  const layer = auth.type === "basic" ? basicLayer(cred) : digestLayer(cred);
  // A redirect that left the action's origin (redirect.ts) must not carry its credentials there.
  return (next) => {
    const signed = layer(next);
    return (req) => (req.crossOrigin ? next(req) : signed(req));
  };
}
