// Debian's lighttpd for a test: config, documents and error log in a temp directory, listening on
// one loopback port, mod_auth loaded. The test adds its `auth.require` and backend settings.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { findBinary, onFreePort, RunningServer, serverRoot, startDaemon } from "./daemon";

export interface LighttpdSite {
  /** Config after the base (auth.backend, auth.require, ...). Paths are absolute under `root`. */
  config: (root: string) => string;
  /** Files to create under the root (relative path → content); documents go under `htdocs/`. */
  files?: Record<string, string>;
}

function baseConfig(root: string, port: number): string {
  return [
    'server.document-root = "' + join(root, "htdocs") + '"',
    'server.bind = "127.0.0.1"',
    "server.port = " + port,
    'server.errorlog = "' + join(root, "error.log") + '"',
    'server.modules = ("mod_auth", "mod_authn_file")',
    "",
  ].join("\n");
}

export function startLighttpd(site: LighttpdSite): Promise<RunningServer> {
  const bin = findBinary("lighttpd", "lighttpd");
  return onFreePort((port) => {
    const root = serverRoot("lighttpd");
    mkdirSync(join(root, "htdocs"));
    writeFileSync(join(root, "htdocs", "index.html"), "ok\n");
    for (const [rel, content] of Object.entries(site.files || {})) {
      const p = join(root, rel);
      mkdirSync(dirname(p), { recursive: true, mode: 0o755 });
      writeFileSync(p, content, { mode: 0o644 });
    }
    const conf = join(root, "lighttpd.conf");
    writeFileSync(conf, baseConfig(root, port) + site.config(root));
    return startDaemon({ name: "lighttpd", bin, args: ["-D", "-f", conf], root, port, logFiles: ["error.log"] });
  });
}
