// The relay's own certificate and key (for mqtts and HTTPS), read once at start. A file that is
// missing, is not PEM, is encrypted or does not match the other stops start-up with one line naming
// the file. The key's contents never appear in a message.
import { createSecureContext } from "node:tls";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "./config/file";

export interface TlsFiles {
  /** Path of the PEM certificate (the server's first, then any intermediates). */
  cert: string;
  /** Path of the PEM private key, unencrypted. */
  key: string;
}

export interface TlsPem {
  cert: string;
  key: string;
  /** When the server certificate stops being valid. */
  validTo: Date;
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`TLS ${what} ${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function readTlsFiles(files: TlsFiles): TlsPem {
  const certPath = resolve(files.cert);
  const keyPath = resolve(files.key);
  const cert = readPem(certPath, "certificate");
  const key = readPem(keyPath, "key");
  if (!cert.includes("-----BEGIN CERTIFICATE-----")) throw new ConfigError(`TLS certificate ${certPath}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(key))
    throw new ConfigError(`TLS key ${keyPath}: is encrypted with a passphrase; give the relay an unencrypted key file readable only by its user`);
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) throw new ConfigError(`TLS key ${keyPath}: holds no PEM private key (-----BEGIN PRIVATE KEY-----)`);
  let validTo: Date;
  try {
    validTo = new Date(new X509Certificate(cert).validTo);
  } catch (e) {
    throw new ConfigError(`TLS certificate ${certPath}: cannot be parsed: ${(e as Error).message}`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    const m = (e as Error).message;
    if (/mismatch/i.test(m)) throw new ConfigError(`TLS key ${keyPath}: does not belong to the certificate in ${certPath}`);
    throw new ConfigError(`TLS key ${keyPath}: unusable with ${certPath}: ${m}`);
  }
  return { cert, key, validTo };
}

/** A CA certificate file (PEM) to trust, e.g. for an external broker with a private certificate. */
export function readCaFile(path: string, what: string): string {
  const abs = resolve(path);
  const pem = readPem(abs, what);
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new ConfigError(`TLS ${what} ${abs}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return pem;
}
