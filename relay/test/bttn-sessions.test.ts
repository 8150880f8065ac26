// BttnSessions: the embedded broker's record of which client logged in as which bttn, kept from
// aedes' public events. Plain objects stand in for aedes clients (only `closed` is read).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BttnSessions } from "../src/bus/bttn-sessions";

const client = () => ({ closed: false });

test("a client is listed under its bttn from 'client' until 'clientDisconnect'", () => {
  const s = new BttnSessions<{ closed: boolean }>();
  const a = client(), b = client(), other = client();
  s.loggedIn(a, { bttnId: "porch", secretHash: "h1" });
  s.loggedIn(b, { bttnId: "porch", secretHash: "h1" });
  s.loggedIn(other, { bttnId: "hall" });
  assert.equal(s.clientsOf("porch"), [], "not listed before it is connected");
  assert.equal(s.of(a), { bttnId: "porch", secretHash: "h1" });
  s.connected(a), s.connected(b), s.connected(other);
  assert.equal(s.clientsOf("porch"), [a, b]);
  assert.equal(s.clientsOf("hall"), [other]);
  s.disconnected(a);
  assert.equal(s.clientsOf("porch"), [b]);
  s.disconnected(b);
  assert.equal(s.clientsOf("porch"), []);
  assert.is(s.bttnCount, 1, "an empty bttn's entry goes");
});

test("a client never logged in, or closed before it was registered, is not listed", () => {
  const s = new BttnSessions<{ closed: boolean }>();
  const stranger = client();
  s.connected(stranger);
  assert.is(s.of(stranger), undefined);
  const late = { closed: true };
  s.loggedIn(late, { bttnId: "porch" });
  s.connected(late);
  assert.is(s.bttnCount, 0);
});

test("a closed client that missed its 'clientDisconnect' is dropped, not closed again", () => {
  const s = new BttnSessions<{ closed: boolean }>();
  const old = client();
  s.loggedIn(old, { bttnId: "porch" });
  s.connected(old);
  old.closed = true; // no 'clientDisconnect' (aedes skips it when a takeover raced)
  assert.equal(s.clientsOf("porch"), []);
  const fresh = client();
  s.loggedIn(fresh, { bttnId: "porch" });
  s.connected(fresh);
  assert.equal(s.clientsOf("porch"), [fresh]);
});

test.run();
