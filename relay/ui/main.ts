// The bttn web console: the page the relay serves at `/`.
//
// Why this stack: Preact (about 5 KB gzipped) with its hooks, written in TypeScript and bundled by
// esbuild (already the relay's bundler) into one JS file and one CSS file. The page has a dozen
// forms and lists that change live (press outcomes, device status, inspector runs, bin requests):
// components keep that state-to-DOM bookkeeping out of our code, which plain DOM modules would have
// to do by hand, while a heavy SPA framework (React with a router and a state library, Angular)
// would cost several times the 100 KB budget on a Pi and a phone. No CSS framework, no web fonts
// and no CDN: the page works offline on a LAN, under a CSP that allows only the relay's own files.
// The page is a plain client of the REST API (/api/v1), so the page and the API cannot disagree.
import { h, render } from "preact";
import { App } from "./app";
import "./style.css";

render(h(App, null), document.getElementById("app")!);
