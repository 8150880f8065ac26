// With a dynamic URL, which webhook a press would call now: the newest one registered for the bttn
// (POST /api/v1/hooks with an API key), or none, and then the press fails with no-webhook.
import { get } from "../api";
import { when } from "../format";
import type { Hook } from "../types";
import { useLoad } from "../use-load";

export function DynamicNow({ bttn }: { bttn: string }) {
  const hooks = useLoad(() => get<{ hooks: Hook[] }>("/hooks"), [bttn]);
  if (!hooks.value) return null;
  // The API lists oldest first, in the order the relay picks the newest by.
  const newest = hooks.value.hooks.filter((h) => h.bttn === bttn).pop();
  return (
    <p class="help" id="act-dynamic-now">
      {newest ? (
        <>
          A press now calls <span class="mono">{newest.url}</span> (registered {when(newest.createdAt)}).
        </>
      ) : (
        "No webhook is registered for this bttn yet: until a server registers one with its API key, presses fail with no-webhook."
      )}
    </p>
  );
}
