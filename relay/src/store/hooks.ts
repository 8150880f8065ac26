// Dynamic webhooks: a server holding an API key registers the URL that a bttn's `"url": "dynamic"`
// action calls. The newest live registration for a bttn wins. A registration stops counting,
// without being deleted, when its key is revoked or when its bttn is removed: a bttn added again
// under the same id is a new bttn (created after the hook), and old registrations do not apply.

export const MAX_HOOK_URL = 2048;
/** A key re-registering on every start of its server refreshes one row; this caps the rest. */
export const MAX_HOOKS_PER_KEY = 100;

export interface Hook {
  id: string;
  keyId: string;
  bttn: string;
  url: string;
  /** When it was registered, or last registered again (ms since the epoch). */
  createdAt: number;
}

/**
 * Why `raw` cannot be a webhook URL, or "" when it can. Only http and https. No `user:password@`:
 * the URL is stored and listed in plain text, and credentials for a webhook belong in the action's
 * `auth` or `headers` (sent only to the action's `dynamicOrigins`: engine/dynamic-origins.ts).
 */
export function checkHookUrl(raw: string): string {
  if (raw.length > MAX_HOOK_URL) return "must be at most " + MAX_HOOK_URL + " characters";
  if (/[\u0000-\u0020\u007f]/.test(raw)) return "must not contain spaces or control characters";
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "must be an absolute http:// or https:// URL";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return "must be an http:// or https:// URL";
  if (u.username || u.password) return "must not contain credentials (user:password@); give them in the action's auth or headers";
  return "";
}
