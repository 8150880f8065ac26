// `bttn-relay service install`: the system user, the data directory, the unit file and a settings
// file, then it says how to start the service. It starts nothing itself: enabling a service that
// takes ports is the administrator's call. `root` is "/" but for the tests, which install into a
// scratch tree (useradd --prefix writes that tree's /etc/passwd, never the machine's).
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConfigError } from "../config/file";
import { ENV } from "../cli/options";
import { ENV_FILE, SERVICE_DATA_DIR, SERVICE_NAME, SERVICE_USER, systemdUnit, UNIT_PATH } from "./unit";

export interface InstallOptions {
  root?: string;
  node: string;
  /** relay/bin/start.js */
  script: string;
  /** Lines for the administrator. */
  say(line: string): void;
}

/** The relay's package directory (relay/), found from this file in the sources or in the bundle. */
export function relayDir(from = import.meta.dirname): string {
  for (let dir = from, i = 0; i < 4; dir = dirname(dir), i++) if (existsSync(join(dir, "bin", "start.js")) && existsSync(join(dir, "package.json"))) return dir;
  throw new Error("cannot find relay/bin/start.js above " + from);
}

/** Where the service runs from: this node binary and this checkout's launcher. */
export function servicePaths(): { node: string; script: string } {
  return { node: realpathSync(process.execPath), script: join(realpathSync(relayDir()), "bin", "start.js") };
}

/**
 * The first reason the service's user cannot use `path` (it is neither its owner nor in its
 * group): a directory on the way that others may not enter, or the file others may not read
 * (`exec`: run). Raspberry Pi OS makes home directories 0700.
 */
export function closedToOthers(path: string, exec = false): string | undefined {
  const parts = path.split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const p = "/" + parts.slice(0, i).join("/");
    const mode = statSync(p).mode;
    if (!(mode & 0o001)) return `${p} is closed to other users (mode ${(mode & 0o777).toString(8)})`;
  }
  const mode = statSync(path).mode;
  const bit = exec ? 0o001 : 0o004;
  if (!(mode & bit)) return `${path} cannot be ${exec ? "run" : "read"} by other users (mode ${(mode & 0o777).toString(8)})`;
  return undefined;
}

/** Why the service's user could not run this node or read this checkout's launcher and bundle, if so. */
export function unreachable(o: { node: string; script: string }): string[] {
  const bundle = join(dirname(o.script), "..", "dist", "bttn-relay.mjs");
  const problems: string[] = [];
  for (const [path, exec] of [[o.node, true], [o.script, false], [bundle, false]] as const) {
    if (!existsSync(path)) continue; // said elsewhere (the bundle: build it)
    const problem = closedToOthers(path, exec);
    if (problem)
      problems.push(`the service's user ${SERVICE_USER} could not ${exec ? "run" : "read"} ${path}: ${problem}. Put the relay where other users may read it (e.g. sudo git clone ... /opt/bttn), or open that directory (chmod o+x)`);
  }
  return problems;
}

function passwdEntry(root: string, user: string): { uid: number; gid: number } | undefined {
  const passwd = join(root, "etc/passwd");
  if (!existsSync(passwd)) return undefined;
  for (const line of readFileSync(passwd, "utf8").split("\n")) {
    const f = line.split(":");
    if (f[0] === user) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

const ENV_TEMPLATE = `# Settings of the bttn relay service (${SERVICE_NAME}.service), one NAME=value a line, read by
# systemd as root: keep this file 0600, it may hold the broker's password. After a change:
# sudo systemctl restart ${SERVICE_NAME}. Each is also a flag (bttn-relay --help says what they mean).
${Object.values(ENV)
  .filter((name) => name !== ENV.dataDir)
  .map((name) => "#" + name + "=")
  .join("\n")}
`;

export function installService(o: InstallOptions): void {
  const root = o.root ?? "/";
  const at = (p: string) => join(root, p);
  if (process.getuid?.() !== 0)
    throw new ConfigError(`service install must run as root: it creates the user ${SERVICE_USER} and writes ${UNIT_PATH} (sudo "$(command -v node)" relay/bin/bttn-relay.js service install)`);
  if (!existsSync(at("/run/systemd/system")))
    throw new ConfigError("systemd is not running on this machine (no /run/systemd/system): `bttn-relay service unit` prints the unit, for reference with another service manager");
  const bundle = join(dirname(o.script), "..", "dist", "bttn-relay.mjs");
  if (!existsSync(bundle)) throw new ConfigError(`${bundle} is missing: the service runs the bundled relay; build it first with \`npm run build -w relay\` (again after each upgrade)`);
  const problem = unreachable(o)[0];
  if (problem) throw new ConfigError(problem);

  if (passwdEntry(root, SERVICE_USER)) o.say(`user ${SERVICE_USER}: exists`);
  else {
    const prefix = root === "/" ? [] : ["--prefix", root];
    execFileSync("useradd", [...prefix, "--system", "--user-group", "--home-dir", SERVICE_DATA_DIR, "--no-create-home", "--shell", "/usr/sbin/nologin", "--comment", "bttn relay", SERVICE_USER], { stdio: ["ignore", "ignore", "pipe"] });
    o.say(`user ${SERVICE_USER}: created (a system user without login)`);
  }
  const ids = passwdEntry(root, SERVICE_USER);
  if (!ids) throw new ConfigError(`useradd did not create ${SERVICE_USER} in ${at("/etc/passwd")}`);

  const data = at(SERVICE_DATA_DIR);
  const existed = existsSync(data);
  mkdirSync(data, { recursive: true, mode: 0o700 });
  chownSync(data, ids.uid, ids.gid);
  o.say(`data directory ${SERVICE_DATA_DIR}: ${existed ? "exists" : "created"}, owned by ${SERVICE_USER}, mode 700`);

  const unit = at(UNIT_PATH);
  const text = systemdUnit({ node: o.node, script: o.script });
  const before = existsSync(unit) ? readFileSync(unit, "utf8") : undefined;
  mkdirSync(dirname(unit), { recursive: true });
  writeFileSync(unit, text, { mode: 0o644 });
  o.say(`unit ${UNIT_PATH}: ${before === undefined ? "written" : before === text ? "unchanged" : "replaced"} (ExecStart=${o.node} ... ${o.script} run)`);

  const env = at(ENV_FILE);
  if (existsSync(env)) o.say(`settings ${ENV_FILE}: exists, kept`);
  else {
    writeFileSync(env, ENV_TEMPLATE, { mode: 0o600 });
    o.say(`settings ${ENV_FILE}: written (all commented out: the defaults)`);
  }
  o.say("");
  o.say(`Start it now and at every boot:  sudo systemctl daemon-reload && sudo systemctl enable --now ${SERVICE_NAME}`);
  o.say(`Its log (the first start writes the admin token there):  journalctl -u ${SERVICE_NAME} -f`);
}
