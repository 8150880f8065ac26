// Home Assistant's login on the embedded broker, for discovery without another broker: one user
// (relay.haDiscovery.username, default "homeassistant") with the password of relay.haDiscovery.password,
// who may read what discovery publishes (the discovery prefix, the bttns' `ha` state topics, the
// relay's availability) and publish only Home Assistant's birth and will. Nothing of the bttns'
// own topics (events, results, configs) reaches it, and its client id may not be one a bttn uses
// (the broker keys sessions by client id: it would take over the bttn's).
import { createHash, timingSafeEqual } from "node:crypto";
import { topicMatches } from "./external";

export interface HaLogin {
  username: string;
  password: string;
  discoveryPrefix: string;
  /** The relay's topic prefix. */
  prefix: string;
}

/** Whether every topic `filter` can match is matched by `allowed` (both MQTT filters). */
export function filterWithin(filter: string, allowed: string): boolean {
  const f = filter.split("/");
  const a = allowed.split("/");
  for (let i = 0; i < f.length; i++) {
    if (a[i] === "#") return true;
    if (i >= a.length || f[i] === "#") return false;
    if (a[i] !== "+" && a[i] !== f[i]) return false; // a literal allows only itself, not "+"
  }
  // `x/#` also matches `x` itself.
  return f.length === a.length || (a.length === f.length + 1 && a[f.length] === "#");
}

const digest = (s: string | Buffer) => createHash("sha256").update(s).digest();

export class HaUser {
  private readonly password: Buffer;
  private readonly readable: string[];
  private readonly birth: string;

  constructor(readonly login: HaLogin) {
    this.password = digest(login.password);
    this.readable = [login.discoveryPrefix + "/#", login.prefix + "/+/ha/#", login.prefix + "/.relay/#"];
    this.birth = login.discoveryPrefix + "/status";
  }

  is(username: string): boolean {
    return username === this.login.username;
  }

  /** In constant time (digests of equal length). */
  passwordOk(password: Buffer): boolean {
    return timingSafeEqual(digest(password), this.password);
  }

  /** Its birth message and its will, on the one topic Home Assistant uses for them. */
  mayPublish(topic: string): boolean {
    return topic === this.birth;
  }

  maySubscribe(filter: string): boolean {
    return this.readable.some((a) => filterWithin(filter, a));
  }

  mayReceive(topic: string): boolean {
    return this.readable.some((a) => topicMatches(a, topic));
  }
}
