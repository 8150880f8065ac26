// The page's frame: is there a session (else the sign-in form), the header with the sections and
// sign-out, and the view the URL's `#/...` names. Moving between views puts the focus on the new
// view's heading, so a keyboard or screen-reader user starts reading there.
import { useEffect, useState } from "preact/hooks";
import { call, del, onSignedOut } from "./api";
import { Announcer } from "./announce";
import { onLiveState, startLive, stopLive } from "./live";
import { href, Route, useRoute } from "./route";
import { SignIn } from "./sign-in";
import { BttnList } from "./bttns/list";
import { AddBttn } from "./bttns/add";
import { BttnPage } from "./bttns/page";
import { Inspector } from "./inspector";
import { Bins } from "./bins";
import { Keys } from "./keys";

type Session = "checking" | "out" | "in";

const SECTIONS: Array<{ path: string; label: string }> = [
  { path: "", label: "Bttns" },
  { path: "inspector", label: "Inspector" },
  { path: "bins", label: "Bins" },
  { path: "keys", label: "API keys" },
];

function View({ route }: { route: Route }) {
  const [first, second] = route;
  if (first === "add") return <AddBttn />;
  if (first === "bttn" && second) return <BttnPage id={second} event={route[2]} />;
  if (first === "inspector") return <Inspector />;
  if (first === "bins") return <Bins />;
  if (first === "keys") return <Keys />;
  return <BttnList />;
}

function LiveBadge() {
  const [on, setOn] = useState(false);
  useEffect(() => onLiveState(setOn), []);
  return (
    <span class={"live " + (on ? "live-on" : "live-off")} title={on ? "Updates arrive live" : "Not receiving live updates: reload to see changes"}>
      {on ? "live" : "not live"}
    </span>
  );
}

export function App() {
  const [session, setSession] = useState<Session>("checking");
  const route = useRoute();

  useEffect(() => {
    call("GET", "/session", undefined, { quiet401: true }).then(
      () => setSession("in"),
      () => setSession("out"),
    );
    return onSignedOut(() => setSession("out"));
  }, []);

  useEffect(() => {
    if (session !== "in") return;
    startLive();
    return stopLive;
  }, [session]);

  useEffect(() => {
    if (session === "in") (document.querySelector("main h1") as HTMLElement | null)?.focus();
  }, [route.join("/"), session]);

  if (session === "checking") return <p class="checking">Loading…</p>;
  if (session === "out") return <SignIn onSignedIn={() => setSession("in")} />;

  const signOut = async () => {
    try {
      await del("/session");
    } finally {
      setSession("out");
    }
  };
  const section = route[0] === "bttn" || route[0] === "add" ? "" : (route[0] ?? "");
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), (document.querySelector("main h1") as HTMLElement | null)?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">bttn</span>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.path}>
                <a href={href(...(s.path ? [s.path] : []))} aria-current={section === s.path ? "page" : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <LiveBadge />
        <button type="button" class="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        <View route={route} />
      </main>
      <Announcer />
    </>
  );
}
