// One polite live region for the whole page: what changed without the person asking (a press's
// outcome, a device going online) is read out by screen readers, once.
import { useEffect, useState } from "preact/hooks";

let say: (text: string) => void = () => {};

export function announce(text: string): void {
  say(text);
}

export function Announcer() {
  const [text, setText] = useState("");
  useEffect(() => {
    say = (t) => {
      // Cleared first, so the same words twice are read twice.
      setText("");
      setTimeout(() => setText(t), 50);
    };
    return () => {
      say = () => {};
    };
  }, []);
  return (
    <div class="visually-hidden" role="status" aria-live="polite">
      {text}
    </div>
  );
}
