// Where the page is: the part of the URL after `#`, so that reloading or sharing a link keeps the
// view and the relay needs to serve only `/`. `#/bttn/kitchen` → ["bttn", "kitchen"].
import { useEffect, useState } from "preact/hooks";

export type Route = string[];

function current(): Route {
  return location.hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const on = () => setRoute(current());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

export const href = (...parts: string[]) => "#/" + parts.map(encodeURIComponent).join("/");

export function go(...parts: string[]): void {
  location.hash = href(...parts);
}
