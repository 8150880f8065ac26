// Runs in a worker thread: copies the WAL back into the database file every second with its own
// connection. The relay's own connection never checkpoints (wal_autocheckpoint = 0), so the page
// copying and the fsync it ends with never stall the event loop that answers the buttons.
// Plain JavaScript: a worker does not inherit the TypeScript loader the relay may run under.
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";

// Never creates the file: if the database was moved or deleted before this thread started, an empty
// one in its place would later pass for the relay's (the relay's own connection checkpoints instead).
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // Busy or closing: the next round tries again.
  }
}, workerData.intervalMs);

parentPort.on("message", (m) => {
  if (m !== "stop") return;
  clearInterval(timer);
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
  } catch {
    // The relay's connection still reads; the WAL is checkpointed at its next start.
  }
  db.close();
  parentPort.postMessage("stopped");
});
