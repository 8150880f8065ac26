// TLS settings of an action: a private CA (PEM text or a file path) to trust, or validation off
// for this action only. Validation stays on unless a user turns it off explicitly.
import { readFileSync } from "node:fs";
import type { HttpAction } from "../config/schema";
import type { Logger } from "../log";
import { ActionError, TlsOptions } from "./http";

const pemCache = new Map<string, string>();

function loadCa(ca: string): string {
  if (ca.includes("-----BEGIN")) return ca;
  let pem = pemCache.get(ca);
  if (pem === undefined) {
    try {
      pem = readFileSync(ca, "utf8");
    } catch (e) {
      throw new ActionError("tls", "cannot read CA file " + ca + ": " + (e as NodeJS.ErrnoException).code);
    }
    if (!pem.includes("-----BEGIN")) throw new ActionError("tls", "CA file " + ca + " holds no PEM certificate");
    pemCache.set(ca, pem);
  }
  return pem;
}

export function resolveTls(action: HttpAction, log: Logger, where: string): TlsOptions | undefined {
  if (action.insecure) {
    log.warnOnce("insecure:" + where, "TLS certificate validation is OFF for this action (still encrypted)", { action: where });
    return { insecure: true };
  }
  if (action.ca) return { ca: loadCa(action.ca) };
  return undefined;
}
