// The one test for "an http:// or https:// URL" that the config file, the CLI's --public-url and
// the action URLs share. Only the scheme and the absence of spaces are checked here: an action's
// URL may hold tags (<ID>) that make it a URL only once rendered.

export const HTTP_URL_MESSAGE = "must be an http:// or https:// URL";

export function isHttpUrl(u: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(u);
}
