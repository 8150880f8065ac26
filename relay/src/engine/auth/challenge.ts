// Parses `WWW-Authenticate` (RFC 7235 section 4.1). One header may carry several challenges and a
// server may also send the header several times, and commas separate both challenges and their
// parameters, so a comma alone does not say whether a new challenge begins: the token after it
// does (`name=` continues the current challenge, a bare token starts the next one).

export interface Challenge {
  /** The scheme in lower case (`digest`, `basic`, ...). */
  scheme: string;
  /** Parameter names in lower case; quoted values unescaped. */
  params: Record<string, string>;
  /** The token68 form some schemes use instead of parameters (`Negotiate abc==`). */
  token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(,|$))/;

/** Every challenge in the given header values, in the order the server sent them. */
export function parseChallenges(values: string[]): Challenge[] {
  const out: Challenge[] = [];
  for (const v of values) parseInto(v, out);
  return out;
}

function parseInto(s: string, out: Challenge[]): void {
  let i = 0;
  const skip = (chars: string): void => {
    while (i < s.length && chars.indexOf(s[i]) >= 0) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < s.length && TCHAR.test(s[i])) i++;
    return s.slice(start, i);
  };
  const value = (): string => {
    if (s[i] !== '"') return token();
    let v = "";
    for (i++; i < s.length && s[i] !== '"'; i++) {
      if (s[i] === "\\" && i + 1 < s.length) i++;
      v += s[i];
    }
    i++; // closing quote (or past the end of an unterminated string)
    return v;
  };

  while (i < s.length) {
    skip(" \t,");
    const scheme = token();
    if (!scheme) {
      i++; // a character no challenge can start with: step over it rather than loop forever
      continue;
    }
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    skip(" \t");
    const t68 = TOKEN68.exec(s.slice(i));
    if (t68) {
      challenge.token68 = t68[0];
      i += t68[0].length;
      continue;
    }
    // Parameters until a token that is not followed by "=" (the next challenge's scheme).
    for (;;) {
      skip(" \t,");
      const mark = i;
      const name = token();
      skip(" \t");
      if (!name || s[i] !== "=") {
        i = mark;
        break;
      }
      i++;
      skip(" \t");
      challenge.params[name.toLowerCase()] = value();
    }
  }
}

/** The parameters of a header that is a bare parameter list (`Authentication-Info`). */
export function parseParams(value: string): Record<string, string> {
  // A placeholder scheme lets the challenge scanner read the list; "_" is a valid token.
  const c = parseChallenges(["_ " + value])[0];
  return c ? c.params : {};
}
