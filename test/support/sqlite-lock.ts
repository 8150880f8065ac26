// Another process holding a SQLite database's write lock, the way a second relay, a CLI command in
// a long transaction or the sqlite3 shell would: a real child process with its own connection.
import { spawn } from "node:child_process";
import { ROOT } from "./cli";

export interface LockHolder {
  /** Commits the holder's transaction and ends the process. */
  release(): Promise<void>;
}

const HOLDER = `
import Database from "better-sqlite3";
const db = new Database(process.argv[1]);
db.exec("BEGIN IMMEDIATE");
db.prepare("CREATE TABLE IF NOT EXISTS lock_holder (n INTEGER)").run();
process.stdout.write("locked\\n");
const end = () => { db.exec("COMMIT"); db.close(); process.exit(0); };
process.stdin.on("data", end);
process.stdin.on("end", end);
setTimeout(end, Number(process.argv[2])); // never outlives its test
`;

/** Resolves once the child holds the lock; it lets go at `release()` or after `maxMs`. */
export function holdWriteLock(file: string, maxMs = 60_000): Promise<LockHolder> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", HOLDER, file, String(maxMs)], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("the lock holder did not start: " + err));
    }, 10_000);
    let released: Promise<void> | undefined;
    child.stdout.once("data", () => {
      clearTimeout(timer);
      resolve({
        release: () =>
          (released ??= (async () => {
            child.stdin.end("release\n");
            await exited;
          })()),
      });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error("the lock holder exited (" + code + "): " + err));
    });
  });
}
