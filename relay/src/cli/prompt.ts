// Asking for a password on the terminal, without echoing it: the one way besides a file that a
// password reaches `action set` (never the command line, which every user of the machine sees).
import { UsageError } from "./options";

/** The answer typed at `question`, not shown. Refuses when standard input is not a terminal. */
export function askHidden(question: string, whyNeeded: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.reject(new UsageError(whyNeeded + ": no terminal to ask on; give --password-file FILE (- reads standard input)"));
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let typed = "";
    const done = (f: () => void) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      f();
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done(() => resolve(typed));
        if (ch === "\u0003") return done(() => reject(new UsageError("cancelled; nothing was changed")));
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else if (ch >= " ") typed += ch;
      }
    };
    stdin.setEncoding("utf8");
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}
