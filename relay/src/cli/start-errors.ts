// Errors of the environment that a user on a Pi meets (a native module built for another Node, a
// file of another user, a port below 1024), said in one line with what to do, instead of a stack.

/** One line for an error this file knows, else undefined (the caller prints the stack). */
export function explainError(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  const message = String(e?.message ?? "");
  if (e?.code === "ERR_DLOPEN_FAILED" || /Could not locate the bindings file/.test(message)) {
    const versions = /NODE_MODULE_VERSION (\d+)[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(message);
    const why = versions ? `it was built for another Node (module version ${versions[1]}; this Node needs ${versions[2]})` : message.split("\n")[0];
    return `a native module does not load: ${why}. In the relay's checkout run \`npm rebuild better-sqlite3\` (or \`npm ci\`); building it needs python3, make and g++`;
  }
  if (e?.code === "EACCES" || e?.code === "EPERM") {
    if (e.syscall === "listen" || e.syscall === "bind")
      return `no permission to listen on port ${e.port ?? "?"} (${e.code}): ports below 1024 need a privilege; choose another port, or see README, The relay as a service, for CAP_NET_BIND_SERVICE`;
    if (e.path)
      return `no permission to use ${e.path} (${e.code}${e.syscall ? ", " + e.syscall : ""}): run bttn-relay as the user the data directory belongs to (the service's: sudo -u bttn-relay ...)`;
  }
  return undefined;
}
