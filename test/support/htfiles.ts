// Credential file lines in the formats Apache and lighttpd read, written directly: `htdigest` only
// works interactively, and a test wants to choose the hash (lighttpd keeps SHA-256 digests there).
import { createHash } from "node:crypto";

/** `user:realm:H(user:realm:password)`, the htdigest format; lighttpd also takes SHA-256 here. */
export function htdigestLine(user: string, realm: string, password: string, hash: "md5" | "sha256" | "sha512-256" = "md5"): string {
  return user + ":" + realm + ":" + createHash(hash).update(user + ":" + realm + ":" + password, "utf8").digest("hex") + "\n";
}

/** `user:{SHA}base64(sha1(password))`, an htpasswd format both servers accept. */
export function htpasswdLine(user: string, password: string): string {
  return user + ":{SHA}" + createHash("sha1").update(password, "utf8").digest("base64") + "\n";
}
