// Certificates for TLS tests, made fresh by the openssl binary in a temporary directory: a
// self-signed server certificate, and a private CA with three server certificates it signed (a
// good one, one for another host name, one that expired yesterday). Server names are localhost,
// 127.0.0.1 and ::1, so tests reach them on loopback by name or address.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./temp";

export interface Pem {
  key: string;
  cert: string;
  /** Where the certificate is on disk, for a `ca` given as a file path. */
  certPath: string;
}

export interface TestPki {
  /** A self-signed certificate for localhost, 127.0.0.1 and ::1. */
  selfSigned: Pem;
  /** The private CA (its key is only used here to sign). */
  ca: Pem;
  /** Signed by the CA for localhost, 127.0.0.1 and ::1. */
  leaf: Pem;
  /** Signed by the CA for another name only. */
  wrongHost: Pem;
  /** Signed by the CA for localhost, 127.0.0.1 and ::1; expired a day ago. */
  expired: Pem;
  remove(): void;
}

const LOOPBACK_SAN = "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1";
const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

function openssl(cwd: string, args: string[]): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error("openssl " + args.join(" ") + " failed: " + (err.stderr ? err.stderr.toString() : err.message));
  }
}

export function makePki(): TestPki {
  const dir = tempDir("pki");
  const at = (f: string) => join(dir.path, f);
  const pem = (name: string): Pem => ({ key: readFileSync(at(name + ".key"), "utf8"), cert: readFileSync(at(name + ".pem"), "utf8"), certPath: at(name + ".pem") });
  try {
    openssl(dir.path, ["req", "-x509", ...EC, "-keyout", "self.key", "-out", "self.pem", "-days", "2", "-subj", "/CN=localhost", "-addext", LOOPBACK_SAN]);
    openssl(dir.path, ["req", "-x509", ...EC, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=bttn test CA"]);
    const signed = (name: string, cn: string, san: string, days: string) => {
      openssl(dir.path, ["req", ...EC, "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn]);
      writeFileSync(at(name + ".ext"), san + "\n");
      // -days -1: valid from now until yesterday, which every verifier reports as expired.
      openssl(dir.path, ["x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", String(Date.now() + name.length), "-days", days, "-extfile", name + ".ext", "-out", name + ".pem"]);
    };
    signed("leaf", "localhost", LOOPBACK_SAN, "2");
    signed("other", "elsewhere.invalid", "subjectAltName=DNS:elsewhere.invalid", "2");
    signed("expired", "localhost", LOOPBACK_SAN, "-1");
    return { selfSigned: pem("self"), ca: pem("ca"), leaf: pem("leaf"), wrongHost: pem("other"), expired: pem("expired"), remove: dir.remove };
  } catch (e) {
    dir.remove();
    throw e;
  }
}
