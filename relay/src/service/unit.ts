// The relay as a systemd service: `bttn-relay service unit` prints this unit, `service install`
// writes it. The relay runs as its own unprivileged user with nothing writable but its data
// directory, and may do little more than what it is for: listen and connect on IP, read its files.
import { DRAIN_GRACE_MS } from "../relay";

export const SERVICE_NAME = "bttn-relay";
/** The system user (and group) the service runs as; `service install` creates it. */
export const SERVICE_USER = "bttn-relay";
/** The data directory: systemd's StateDirectory=, so systemd creates it for the user too. */
export const SERVICE_DATA_DIR = "/var/lib/" + SERVICE_NAME;
export const UNIT_PATH = "/etc/systemd/system/" + SERVICE_NAME + ".service";
/** Settings as environment variables (BTTN_*), root-only since it may hold a broker password. */
export const ENV_FILE = "/etc/" + SERVICE_NAME + ".env";

/** The longest action timeout a config may set (config/schema.ts, http.timeout). */
export const MAX_ACTION_TIMEOUT_MS = 60_000;
/** Beyond the drain bound: closing the broker, the store and its checkpoint thread. */
const CLOSE_MARGIN_S = 13;
/**
 * systemd's stop timeout: a stop finishes the presses in progress for at most the slowest action's
 * timeout plus a grace (relay.ts), then closes; only then may systemd kill it (SIGKILL).
 */
export const STOP_TIMEOUT_S = Math.ceil((MAX_ACTION_TIMEOUT_MS + DRAIN_GRACE_MS) / 1000) + CLOSE_MARGIN_S;

/** Where systemd's ProtectHome= must leave home directories readable: the relay's files are there. */
const HOME_DIRS = /^\/(home|root|run\/user)(\/|$)/;

export interface UnitOptions {
  /** The node binary, absolute. */
  node: string;
  /** The launcher that runs the bundled relay (relay/bin/start.js), absolute. */
  script: string;
}

/** A path as one word of a unit's command line: "%" doubled (systemd's specifiers), quoted when it has blanks. */
export function unitWord(path: string): string {
  const p = path.replace(/%/g, "%%");
  return /[\s"'\\]/.test(p) ? '"' + p.replace(/(["\\])/g, "\\$1") + '"' : p;
}

export function systemdUnit(o: UnitOptions): string {
  const inHome = HOME_DIRS.test(o.node) || HOME_DIRS.test(o.script);
  return `# The bttn relay as a systemd service, written by \`bttn-relay service unit\`.
# Settings: ${ENV_FILE} (BTTN_HTTP_PORT=8080, BTTN_CONFIG=/etc/bttn-relay.json, ...: bttn-relay --help).
# Own changes belong in a drop-in (sudo systemctl edit ${SERVICE_NAME}), which a new install keeps.
[Unit]
Description=bttn relay: button presses (MQTT) to webhooks (HTTP)
After=network-online.target
Wants=network-online.target

[Service]
Type=exec
User=${SERVICE_USER}
Group=${SERVICE_USER}
ExecStart=${unitWord(o.node)} --enable-source-maps ${unitWord(o.script)} run
WorkingDirectory=${SERVICE_DATA_DIR}
Environment=BTTN_DATA=${SERVICE_DATA_DIR}
EnvironmentFile=-${ENV_FILE}
StateDirectory=${SERVICE_NAME}
StateDirectoryMode=0700
UMask=0077
Restart=on-failure
RestartSec=5
# A stop (SIGTERM) finishes the presses in progress for at most the slowest action's timeout
# (60 s at most) plus ${DRAIN_GRACE_MS / 1000} s, then closes the broker and the database.
TimeoutStopSec=${STOP_TIMEOUT_S}
# Log lines go to the journal with their level as priority (journalctl -u ${SERVICE_NAME} -p warning).
StandardOutput=journal
StandardError=journal
SyslogIdentifier=${SERVICE_NAME}
SyslogLevelPrefix=yes

# Hardening. Nothing is writable but the data directory (and a private /tmp).
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=${SERVICE_DATA_DIR}
ProtectHome=${inHome ? "read-only" : "yes"}${inHome ? "\n# read-only, not yes: node or the relay's files are under a home directory." : ""}
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
# IPv4, IPv6, local sockets; netlink to list the network interfaces (the LAN address for device files).
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RemoveIPC=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM
# No capabilities: the default ports (1883, 8883, 8080) are above 1024. For a port below 1024 add,
# in a drop-in: AmbientCapabilities=CAP_NET_BIND_SERVICE and CapabilityBoundingSet=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=
AmbientCapabilities=
# Not MemoryDenyWriteExecute=: Node's JavaScript compiler writes the code it runs.

[Install]
WantedBy=multi-user.target
`;
}
