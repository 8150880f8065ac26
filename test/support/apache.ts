// Debian's Apache httpd for a test: its own ServerRoot, PidFile, logs and runtime files in a temp
// directory, listening on one loopback port, modules for Basic and Digest auth and CGI loaded.
// The test adds its locations; ECHO_CGI answers with what arrived, so a test can see a body.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { findBinary, onFreePort, RunningServer, serverRoot, startDaemon } from "./daemon";

export interface ApacheSite {
  /** Config after the base: locations, aliases. Paths are absolute under `root`. */
  config: (root: string) => string;
  /** Files to create under the root (relative path → content); `*.cgi` files are made executable. */
  files?: Record<string, string>;
}

/** A CGI script that answers `METHOD USER` on one line, then the request body as received. */
export const ECHO_CGI = [
  "#!/bin/sh",
  "printf 'Content-Type: text/plain\\r\\n\\r\\n'",
  'printf \'%s %s\\n\' "$REQUEST_METHOD" "$REMOTE_USER"',
  'head -c "${CONTENT_LENGTH:-0}"',
  "",
].join("\n");

const MODULES = [
  "mpm_event",
  "authn_core",
  "authn_file",
  "authz_core",
  "authz_user",
  "auth_basic",
  "auth_digest",
  "alias",
  "cgid",
];

function baseConfig(root: string, port: number): string {
  const lines = [
    'ServerRoot "' + root + '"',
    "ServerName 127.0.0.1",
    "Listen 127.0.0.1:" + port,
    "PidFile " + join(root, "httpd.pid"),
    "ErrorLog " + join(root, "error.log"),
    "LogLevel warn",
    "DefaultRuntimeDir " + root,
    "Mutex file:" + root + " default",
    "ScriptSock " + join(root, "cgid.sock"),
    "DocumentRoot " + join(root, "htdocs"),
    // A fixed pool of 64 threads. With every worker busy, the event MPM closes idle keep-alive
    // connections, and a client that just picked one to send on gets "other side closed";
    // reaping idle processes closes their connections too. Neither may happen in a test.
    "StartServers 2",
    "ServerLimit 2",
    "ThreadsPerChild 32",
    "MaxRequestWorkers 64",
    "MinSpareThreads 32",
    "MaxSpareThreads 64",
  ];
  // As root Apache must drop to another user for its workers; as anyone else it cannot and stays.
  if (process.getuid && process.getuid() === 0) lines.push("User #65534", "Group #65534");
  for (const m of MODULES) lines.push("LoadModule " + m + "_module /usr/lib/apache2/modules/mod_" + m + ".so");
  return lines.join("\n") + "\n";
}

export function startApache(site: ApacheSite): Promise<RunningServer> {
  const bin = findBinary("apache2", "apache2");
  return onFreePort((port) => {
    const root = serverRoot("apache");
    mkdirSync(join(root, "htdocs"));
    writeFileSync(join(root, "htdocs", "index.html"), "ok\n");
    for (const [rel, content] of Object.entries(site.files || {})) {
      const p = join(root, rel);
      mkdirSync(dirname(p), { recursive: true, mode: 0o755 });
      writeFileSync(p, content, { mode: rel.endsWith(".cgi") ? 0o755 : 0o644 });
    }
    const conf = join(root, "httpd.conf");
    writeFileSync(conf, baseConfig(root, port) + site.config(root));
    return startDaemon({ name: "apache2", bin, args: ["-f", conf, "-DFOREGROUND"], root, port, logFiles: ["error.log"] });
  });
}
