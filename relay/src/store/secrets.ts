// Device secrets and API keys are stored as salted SHA-256: they are long random strings (or, for
// hand-written config files, the file beside the database holds them anyway), so a slow KDF would
// only slow down every MQTT connect without protecting anything more.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export interface SecretHash {
  salt: string;
  hash: string;
}

export function hashSecret(secret: string, salt: string = randomBytes(16).toString("hex")): SecretHash {
  return { salt, hash: createHash("sha256").update(salt).update("\0").update(secret).digest("hex") };
}

export function verifySecret(secret: string, stored: SecretHash): boolean {
  const h = hashSecret(secret, stored.salt).hash;
  return timingSafeEqual(Buffer.from(h, "hex"), Buffer.from(stored.hash, "hex"));
}

/** A new random secret, URL- and JSON-safe. */
export function newSecret(bytes = 18): string {
  return randomBytes(bytes).toString("base64url");
}
