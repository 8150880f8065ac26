// The embedded broker (aedes): one process on the Pi, nothing else to install. The relay itself
// subscribes in-process, so its own traffic never goes through a TCP socket (that would double the
// packet work). Devices authenticate with id/secret against the bttn store.
import { Aedes } from "aedes";
import type { AuthenticateError, Client, PublishPacket, Subscription } from "aedes";
import { createServer, Server, Socket } from "node:net";
import type { Bus, DeviceAddress, OnMessage } from "./bus";
import type { PressGate } from "../limits/press-gate";
import { mayPublish, maySubscribe } from "./acl";
import { AckHold } from "./ack-hold";
import type { BttnRepo } from "../store/store";
import type { Logger } from "../log";
import type { TlsPem } from "../tls-files";
import { listen } from "../listen";
import { createMqttsServer } from "./mqtts-server";
import { guardPackets } from "./packet-guard";
import { boundedKeepalive, DEFAULT_MQTT_LIMITS, MqttLimits, PendingLogins } from "./mqtt-limits";
import { CLIENT_ID_RULE, clientIdBelongsTo } from "./client-id";
import { BttnSessions } from "./bttn-sessions";
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle, LoginThrottleOptions } from "./login-throttle";
import { HaUser } from "./ha-user";
import { topicMatches } from "./external";

export interface EmbeddedOptions {
  /** Plain MQTT port; "off": no plain listener (only mqtts). */
  port: number | "off";
  /** An mqtts listener too, with this certificate. */
  tls?: { port: number; pem: TlsPem };
  host?: string;
  prefix: string;
  bttns: BttnRepo;
  log: Logger;
  /** Bounds on connections and packets (defaults: DEFAULT_MQTT_LIMITS); tests set small ones. */
  limits?: Partial<MqttLimits>;
  /** Lockout after failed logins (defaults: DEFAULT_LOGIN_THROTTLE). */
  loginThrottle?: Partial<LoginThrottleOptions>;
  /** Backpressure: every device's event passes it before the broker acknowledges it. */
  gate: PressGate;
  /** Home Assistant may log in (discovery without another broker); see ha-user.ts. */
  haUser?: HaUser;
}

/** An admitted press between its authorization and its delivery to the relay. */
interface Ticket {
  done: () => void;
  socket: Socket;
}

function authError(message: string, returnCode: number): AuthenticateError {
  const e = new Error(message) as AuthenticateError;
  e.returnCode = returnCode;
  return e;
}

export class EmbeddedBus implements Bus {
  readonly mode = "embedded" as const;
  private aedes!: Aedes;
  private servers: Server[] = [];
  private sockets = new Set<Socket>();
  private cutHandshaking = () => {};
  private readonly ackHold = new AckHold();
  /** Which bttn each client logged in as, and the clients of each bttn. */
  private readonly sessions = new BttnSessions<Client>();
  /** Keyed by the packet's payload, the one object that travels from authorizePublish to delivery. */
  private readonly tickets = new Map<Buffer, Ticket>();
  /** The plain listener's port (0: none). */
  private port = 0;
  /** The mqtts listener's port (0: none). */
  private tlsPort = 0;
  /** Clients logged in as Home Assistant (opts.haUser). */
  private readonly haClients = new WeakSet<Client>();

  constructor(private readonly opts: EmbeddedOptions) {}

  async start(onMessage: OnMessage): Promise<void> {
    const { prefix, bttns, log, gate } = this.opts;
    const limits: MqttLimits = { ...DEFAULT_MQTT_LIMITS, maxPacketBytes: DEFAULT_MQTT_LIMITS.maxPacketBytes + prefix.length, ...this.opts.limits };
    const throttle = new LoginThrottle({ ...DEFAULT_LOGIN_THROTTLE, ...this.opts.loginThrottle });
    const pending = new PendingLogins(limits.maxPendingLogins);
    const aedes = await Aedes.createBroker({ drainTimeout: 15_000, heartbeatInterval: 3_600_000, connectTimeout: limits.connectTimeoutMs });
    this.aedes = aedes;
    const from = (client: Client) => (client.conn as Socket).remoteAddress ?? "?";
    const sessions = this.sessions;
    const bttnOf = (client: Client) => sessions.of(client)?.bttnId ?? "";
    aedes.on("client", (client) => sessions.connected(client));
    aedes.on("clientDisconnect", (client) => sessions.disconnected(client));

    aedes.preConnect = (_client, packet, done) => {
      // A keepalive of 0 would let a silent (or half-sent) connection sit forever.
      packet.keepalive = boundedKeepalive(packet.keepalive ?? 0, limits.maxKeepaliveS);
      done(null, true);
    };
    // Async: a bttn not in memory is looked up in the store once (one just added by another process).
    aedes.authenticate = (client: Client, username: Readonly<string | undefined>, password: Readonly<Buffer | undefined>, done) =>
      void login(client, username, password, done).catch(() => done(authError("server unavailable", 3), false));
    const login = async (client: Client, username: Readonly<string | undefined>, password: Readonly<Buffer | undefined>, done: Parameters<typeof aedes.authenticate>[3]) => {
      const id = username ?? "";
      const address = from(client);
      const locked = throttle.lockedFor(address);
      if (locked) {
        log.repeated("mqtt-locked|" + address, "logins refused from " + address + " while locked out", "warn", "mqtt login refused", { from: address, bttn: id || "(none)", why: "locked out after failed logins", seconds: Math.ceil(locked / 1000) });
        return done(authError("too many failed logins: try again later", 3), false);
      }
      const ha = this.opts.haUser;
      if (ha?.is(id)) {
        if (!password || !ha.passwordOk(password)) {
          const lockout = throttle.failed(address);
          log.repeated("mqtt-login|" + address, "refused logins from " + address, "warn", "mqtt login refused", { from: address, user: id, why: "wrong password" });
          if (lockout) log.repeated("mqtt-lockout|" + address, "lockouts of " + address, "warn", "mqtt logins from this address locked out after repeated failures", { from: address, seconds: lockout / 1000 });
          return done(authError("bad username or password", 4), false);
        }
        // Its client id must not be a bttn's: the broker would hand it that bttn's session.
        const owner = client.id.split(".")[0];
        if (bttns.get(owner) && clientIdBelongsTo(client.id, owner)) {
          log.repeated("mqtt-client-id|" + id, "refused client ids of " + id, "warn", "mqtt login refused", { from: address, user: id, client: client.id, why: "the client id is one of bttn " + owner });
          return done(authError("identifier rejected", 2), false);
        }
        throttle.succeeded(address);
        pending.loggedIn(client.conn as Socket);
        this.haClients.add(client);
        return done(null, true);
      }
      if (!id || !password || !(await bttns.authenticate(id, password.toString("utf8")))) {
        const lockout = throttle.failed(address);
        log.repeated("mqtt-login|" + address, "refused logins from " + address, "warn", "mqtt login refused", { from: address, bttn: id || "(none)", client: client.id, why: !id ? "no username" : bttns.get(id) ? "wrong secret" : "unknown bttn" });
        if (lockout) log.repeated("mqtt-lockout|" + address, "lockouts of " + address, "warn", "mqtt logins from this address locked out after repeated failures", { from: address, seconds: lockout / 1000 });
        return done(authError("bad username or password", 4), false);
      }
      if (!clientIdBelongsTo(client.id, id)) {
        log.repeated("mqtt-client-id|" + id, "refused client ids of bttn " + id, "warn", "mqtt login refused", { from: address, bttn: id, client: client.id, why: CLIENT_ID_RULE });
        return done(authError("identifier rejected", 2), false);
      }
      throttle.succeeded(address);
      pending.loggedIn(client.conn as Socket);
      sessions.loggedIn(client, { bttnId: id, secretHash: bttns.get(id)?.secret.hash });
      done(null, true);
    };
    aedes.authorizePublish = (client: Client | null, packet: PublishPacket, done) => {
      if (!client) return done(null); // a stored will of a client that is gone
      if (this.haClients.has(client)) {
        if (this.opts.haUser!.mayPublish(packet.topic)) return done(null);
        log.repeated("mqtt-publish|ha", "refused publishes of Home Assistant", "warn", "mqtt publish refused", { user: this.opts.haUser!.login.username, topic: packet.topic, why: "Home Assistant may publish only its birth message" });
        return done(new Error("not allowed to publish to " + packet.topic));
      }
      const id = bttnOf(client);
      if (!mayPublish(prefix, id, packet.topic)) {
        log.repeated("mqtt-publish|" + id, "refused publishes of bttn " + id, "warn", "mqtt publish refused", { bttn: id, topic: packet.topic, why: "a bttn may publish only to its own event and status topics" });
        return done(new Error("not allowed to publish to " + packet.topic));
      }
      if (!packet.topic.endsWith("/event")) return done(null); // its will (offline) still tells that it went
      if (bttns.get(id)?.secret.hash !== sessions.of(client)?.secretHash) {
        // A session from before its bttn's secret changed (or the bttn was removed) is being
        // disconnected: no press it still sends may fire.
        client.close();
        return done(new Error("the bttn's secret changed or it was removed"));
      }
      // A press passes the gate before it is acknowledged: over the bound it waits here, and the
      // broker reads nothing more from this device meanwhile (see limits/press-gate.ts).
      const socket = client.conn as Socket;
      gate.admit((release) => {
        if (socket.destroyed) return release(); // gone while it waited: it sends the press again
        this.tickets.set(packet.payload as Buffer, { done: release, socket });
        // The PUBACK of a press waits (briefly) for the press's result, to share its TCP write.
        if (packet.qos === 1) this.ackHold.hold(id, socket);
        done(null);
      });
    };
    // Also called for the subscriptions of a restored persistent session.
    aedes.authorizeSubscribe = (client: Client, sub: Subscription, done) => {
      if (this.haClients.has(client)) {
        if (this.opts.haUser!.maySubscribe(sub.topic)) return done(null, sub);
        log.repeated("mqtt-subscribe|ha", "refused subscriptions of Home Assistant", "warn", "mqtt subscribe refused", { user: this.opts.haUser!.login.username, topic: sub.topic });
        return done(null, null);
      }
      const id = bttnOf(client);
      if (!maySubscribe(prefix, id, sub.topic)) {
        log.repeated("mqtt-subscribe|" + id, "refused subscriptions of bttn " + id, "warn", "mqtt subscribe refused", { bttn: id, topic: sub.topic });
        return done(null, null); // SUBACK 0x80 for this topic; the client stays connected
      }
      done(null, sub);
    };
    // Every message to a client, live or queued in its session, must be one of its own bttn's.
    aedes.authorizeForward = (client, packet) => {
      if (this.haClients.has(client)) return this.opts.haUser!.mayReceive(packet.topic) ? packet : null;
      return maySubscribe(prefix, bttnOf(client), packet.topic) ? packet : null;
    };
    // Protocol errors, timeouts, resets: the client's problem, but worth seeing (summarised per address).
    const clientError = (client: Client, err: Error & { errorCode?: number }) => {
      if (err.errorCode && err.errorCode >= 2 && err.errorCode <= 5) return; // a refused login: authenticate logged it
      log.repeated("mqtt-error|" + from(client), "mqtt client errors from " + from(client), "info", "mqtt client error", { from: from(client), client: client.id ?? undefined, error: err.message });
    };
    aedes.on("clientError", clientError);
    aedes.on("connectionError", clientError);

    const deliver = (packet: { topic: string; payload: Buffer | string }, cb: () => void) => {
      try {
        const ticket = typeof packet.payload === "string" ? undefined : this.tickets.get(packet.payload);
        if (ticket) this.tickets.delete(packet.payload as Buffer);
        onMessage(packet.topic, typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload, ticket?.done);
      } finally {
        cb();
      }
    };
    await new Promise<void>((res) => aedes.subscribe(prefix + "/+/event", deliver, () => res()));
    await new Promise<void>((res) => aedes.subscribe(prefix + "/+/status", deliver, () => res()));

    // Every device connection, plain or TLS (then already decrypted), goes through here.
    const accept = (socket: Socket) => {
      if (!pending.admit(socket)) {
        log.repeated("mqtt-pending", "connections refused while " + limits.maxPendingLogins + " were waiting to log in", "warn", "mqtt connection refused: too many connections waiting to log in", { from: socket.remoteAddress, max: limits.maxPendingLogins });
        socket.destroy();
        return;
      }
      socket.setNoDelay(true); // Nagle adds 10-40 ms per QoS 1 round trip
      this.sockets.add(socket);
      socket.on("close", () => {
        this.sockets.delete(socket);
        // A press admitted but not published (its PUBACK could not be written) never reaches the
        // relay: free its place once anything still on its way has surely arrived.
        setTimeout(() => {
          for (const [payload, t] of this.tickets) if (t.socket === socket) (this.tickets.delete(payload), t.done());
        }, 2000).unref();
      });
      aedes.handle(socket);
      guardPackets(socket, limits, (why) => {
        // Summarised per address and kind of breach (the reason without its numbers).
        log.repeated("mqtt-guard|" + socket.remoteAddress + "|" + why.replace(/\d+/g, "#"), "connections dropped from " + socket.remoteAddress + " for oversized or out-of-order packets", "warn", "mqtt connection dropped", { from: socket.remoteAddress, why });
        socket.destroy();
      });
    };
    try {
      if (this.opts.port !== "off") {
        const plain = createServer(accept);
        this.servers.push(plain);
        this.port = await listen(plain, this.opts.port, this.opts.host);
      }
      if (this.opts.tls) {
        const mqtts = createMqttsServer(this.opts.tls.pem, accept, log);
        this.servers.push(mqtts.server);
        this.cutHandshaking = mqtts.cutHandshaking;
        this.tlsPort = await listen(mqtts.server, this.opts.tls.port, this.opts.host);
      }
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  private closing = false;
  private publishing = 0;
  private idle: Array<() => void> = [];

  publish(topic: string, payload: string, retain: boolean, qos: 0 | 1 = 1): void {
    this.publishing++;
    this.aedes.publish({ cmd: "publish", topic, payload: Buffer.from(payload), qos, retain, dup: false } as PublishPacket, (err) => {
      // Written to the device's socket by now: send it together with the PUBACKs held for it.
      this.ackHold.release(topic.slice(this.opts.prefix.length + 1, topic.lastIndexOf("/")));
      if (err) this.opts.log.error("mqtt publish failed", { topic, error: err.message });
      if (--this.publishing === 0) for (const f of this.idle.splice(0)) f();
    });
  }

  /**
   * Delivers the messages published on `filter` (by the relay or a client) to `handler`, in
   * process. For topics outside the bttns' own, such as Home Assistant's birth message.
   */
  watch(filter: string, handler: (topic: string, payload: Buffer) => void): void {
    this.aedes.subscribe(
      filter,
      (packet, cb) => {
        try {
          if (topicMatches(filter, packet.topic)) handler(packet.topic, typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload);
        } catch (err) {
          this.opts.log.error("a handler of a watched topic failed", { topic: packet.topic, error: err as Error });
        } finally {
          cb();
        }
      },
      () => {},
    );
  }

  connected(): boolean {
    return this.servers.length > 0 && this.servers.every((s) => s.listening);
  }

  deviceAddress(): DeviceAddress {
    // Listening on one address: that is the only one a device can use. On all of them: guess.
    const host = this.opts.host && !/^(0\.0\.0\.0|::)$/.test(this.opts.host) ? this.opts.host : undefined;
    return { host, port: this.port || this.tlsPort, listening: { mqtt: this.port, mqtts: this.tlsPort } };
  }

  info(): Record<string, unknown> {
    return { port: this.port || undefined, tlsPort: this.tlsPort || undefined, clients: this.aedes ? this.aedes.connectedClients : 0 };
  }

  disconnectBttn(id: string): void {
    for (const client of this.sessions.clientsOf(id)) client.close();
  }

  async close(): Promise<void> {
    if (!this.aedes || this.closing) return;
    this.closing = true;
    this.ackHold.releaseAll();
    // Let the last results reach the devices: wait for publishes under way, then end sockets
    // gracefully (their buffers flush), and only then cut what is left.
    if (this.publishing) await new Promise<void>((res) => (this.idle.push(res), setTimeout(res, 2000)));
    const closed = Promise.all(this.servers.filter((s) => s.listening).map((server) => new Promise<void>((res) => server.close(() => res()))));
    this.cutHandshaking();
    for (const s of this.sockets) s.end();
    setTimeout(() => {
      for (const s of this.sockets) s.destroy();
    }, 1000).unref();
    await closed;
    await new Promise<void>((res) => this.aedes.close(() => res()));
  }
}
