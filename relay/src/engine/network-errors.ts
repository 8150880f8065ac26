// Turns what undici 7 (on Node 20) throws into a protocol reason and a message a person can act on.
// The shapes below were seen in the relay's own tests (relay/test/transport.test.ts,
// test/reasons.test.ts, test/https.test.ts), not guessed from documentation:
// - refused port: Error code ECONNREFUSED; with two addresses (localhost as ::1 and 127.0.0.1)
//   an AggregateError that carries the same code
// - reset: Error code ECONNRESET; closed without an answer: SocketError UND_ERR_SOCKET
// - unresolvable name: Error code ENOTFOUND with syscall getaddrinfo (or queryA from c-ares)
// - certificate problems: the OpenSSL verify code (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED,
//   UNABLE_TO_VERIFY_LEAF_SIGNATURE, ...) or ERR_TLS_CERT_ALTNAME_INVALID for a wrong host name
// - an answer that is not HTTP: HTTPParserError, whose `code` is often undefined
// - our own deadline: a DeadlineError (capped-request.ts), which the transport turns into a
//   `timeout` itself before it gets here
import { ActionError } from "./http";
import { printable } from "./printable";

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT", "ERR_TLS_HANDSHAKE_TIMEOUT"]);

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL", "EAI_NODATA", "ENODATA", "ESERVFAIL", "ENONAME"]);

const CONNECTION_MESSAGES: Record<string, string> = {
  ECONNREFUSED: "connection refused: nothing listens on that port",
  ECONNRESET: "the connection was reset",
  UND_ERR_SOCKET: "the server closed the connection without a complete answer",
  EPIPE: "the connection broke while sending",
  ECONNABORTED: "the connection was aborted",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  EHOSTDOWN: "the host is down",
  ENETDOWN: "the network is down",
  EADDRNOTAVAIL: "the address is not available on this machine",
};

// OpenSSL verify codes have no common prefix; these fragments cover them and Node's ERR_TLS_*,
// ERR_SSL_* and ERR_OSSL_* codes without matching any socket or undici code.
// EPROTO is what Node reports for some TLS alerts.
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY|DECRYPT|DECODE)|HOSTNAME|ALTNAME|INVALID_CA|INVALID_PURPOSE|PATH_LENGTH|CHAIN_TOO_LONG|CRL|^EPROTO$/;

// Undici's answers to a server that broke HTTP itself: the server is at fault, not the relay.
const PROTOCOL_CODES = new Set(["UND_ERR_HEADERS_OVERFLOW", "UND_ERR_RES_CONTENT_LENGTH_MISMATCH", "UND_ERR_INFO"]);

const BAD_REQUEST_CODES = new Set(["UND_ERR_INVALID_ARG", "ERR_INVALID_URL", "ERR_INVALID_ARG_VALUE", "ERR_INVALID_CHAR", "ERR_INVALID_HTTP_TOKEN"]);

interface ErrorShape {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  syscall?: unknown;
  hostname?: unknown;
}

/** Maps a thrown network error to a reason. */
export function classifyNetworkError(err: unknown): ActionError {
  const e = (err !== null && typeof err === "object" ? err : {}) as ErrorShape;
  const code = typeof e.code === "string" ? e.code : "";
  const name = typeof e.name === "string" ? e.name : "";
  const msg = typeof e.message === "string" ? e.message : String(err);
  const syscall = typeof e.syscall === "string" ? e.syscall : "";

  if (TIMEOUT_CODES.has(code) || name === "DeadlineError") return new ActionError("timeout", "no answer in time");
  if (DNS_CODES.has(code) || syscall === "getaddrinfo" || syscall.startsWith("query")) {
    const host = typeof e.hostname === "string" ? " " + printable(e.hostname, 100) : "";
    return new ActionError("dns", "the host name" + host + " did not resolve (" + (code || "no address") + ")");
  }
  if (CONNECTION_MESSAGES[code]) return new ActionError("refused", CONNECTION_MESSAGES[code] + " (" + code + ")");
  if (code && TLS_CODE.test(code)) return new ActionError("tls", "TLS failed: " + printable(msg) + " (" + code + ")");
  if (name === "HTTPParserError" || code.startsWith("HPE_") || PROTOCOL_CODES.has(code)) {
    return new ActionError("http", "the server's answer is not valid HTTP: " + printable(msg));
  }
  if (BAD_REQUEST_CODES.has(code)) return new ActionError("bad-request", "the request could not be sent: " + printable(msg));
  if (code === "UND_ERR_CLOSED" || code === "UND_ERR_DESTROYED") return new ActionError("internal", "the relay's HTTP client was already closed (" + code + ")");
  return new ActionError("internal", "request failed: " + (code ? code + " " : "") + printable(name && name !== "Error" ? name + ": " + msg : msg));
}
