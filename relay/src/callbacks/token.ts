// A callback URL's token is a bearer secret: stores keep only its SHA-256.
import { createHash } from "node:crypto";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
