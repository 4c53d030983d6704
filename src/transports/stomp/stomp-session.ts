/**
 * @module stomp-session
 * One STOMP 1.0–1.2 connection as a state machine over ports (SPEC §10), runtime-free so it is
 * tested without a gateway. Client frames become `roomcast.v1` frames on the connection's room
 * link; room frames become MESSAGE / RECEIPT / ERROR. Ordering does the bookkeeping: the room
 * answers frames in the order it gets them, so a `ping` sent after a frame is answered (pong)
 * only once that frame was handled. That gives RECEIPTs for SUBSCRIBE/UNSUBSCRIBE/ACK/DISCONNECT
 * and tells which subscription a snapshot (latest message of a topic, sent on subscribe) is for.
 * Anything wrong gets ERROR, then the connection closes, as STOMP requires.
 */
import type { MessageFrame, ServerFrame } from "../../client/server-frames";
import { CloseCode } from "../../shared/close-codes";
import type { ClientFrame } from "../../shared/protocol";
import { topicMatches } from "../../shared/topics";
import { StompParser, encodeFrame, header, type StompFrame, type StompVersion } from "./frame";
import { SUPPORTED_VERSIONS, negotiateHeartBeats, negotiateVersion, parseHeartBeat, type HeartBeats } from "./negotiation";
import { ACK_MODES, MAX_SUBSCRIPTIONS, Subscriptions, destinationOf, topicOf, type AckMode, type Subscription } from "./subscriptions";
import { decodeSendBody } from "./send-body";

export interface StompPorts {
  toClient(text: string): void;
  toRoom(frame: ClientFrame): void;
  /** Closes the client's socket and the room link. */
  close(code: number, reason: string): void;
  now(): number;
}

export interface StompSettings {
  /** Largest SEND body, in bytes (MAX_MESSAGE_BYTES). */
  maxBodyBytes: number;
  /** What the server offers both ways in `heart-beat`, in ms. */
  heartbeatMs: number;
  /** Unique per connection: prefixes the ids of publishes and pings on the room link. */
  idPrefix: string;
  /** The room connection id, sent as CONNECTED's `session`. */
  sessionId: string;
}

/** A client that sends no CONNECT this long after the upgrade is closed, in ms. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** Silence allowed from a client, as a multiple of its promised heart-beat (network jitter). */
export const HEART_BEAT_GRACE_FACTOR = 2;
/** Bytes a frame may spend on its command and headers on top of the body limit. */
export const FRAME_HEADER_ALLOWANCE_BYTES = 16 * 1024;
/** Receipts waiting for the room at once; more is a client not reading its answers. */
export const MAX_PENDING_RECEIPTS = 1_000;
export const MAX_OPEN_TRANSACTIONS = 16;
export const MAX_SENDS_PER_TRANSACTION = 1_000;
/** Timer granularity: each heart-beat interval is checked this many times. */
const TICKS_PER_HEART_BEAT = 4;
const MIN_TICK_MS = 100;
const MAX_TICK_MS = 1_000;
/** 1.0 clients send ACK with `message-id`, 1.2 with `id`. */
const ACK_ID_HEADERS = ["id", "message-id"];

type PendingPing = { kind: "receipt"; receipt: string } | { kind: "subscribe"; subscriptionId: string; receipt?: string } | { kind: "disconnect"; receipt: string };
type State = "connecting" | "connected" | "disconnecting" | "closed";

export class StompSession {
  private state: State = "connecting";
  private version: StompVersion | undefined;
  private readonly parser: StompParser;
  private readonly subscriptions = new Subscriptions();
  private readonly pendingPings = new Map<string, PendingPing>();
  /** Subscribe pings in send order; the first one owns the snapshots arriving now. */
  private readonly snapshotOwners: string[] = [];
  /** Publish id → the receipt its ack completes. */
  private readonly pendingPublishes = new Map<string, string>();
  private readonly transactions = new Map<string, Array<{ topic: string; data: unknown }>>();
  private heartBeats: HeartBeats = { serverSendsEveryMs: 0, clientSendsEveryMs: 0 };
  private readonly createdMs: number;
  private lastReceivedMs: number;
  private lastSentMs: number;
  private idCounter = 0;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly ports: StompPorts,
    private readonly settings: StompSettings,
  ) {
    this.parser = new StompParser(settings.maxBodyBytes + FRAME_HEADER_ALLOWANCE_BYTES);
    this.createdMs = this.lastReceivedMs = this.lastSentMs = ports.now();
  }

  get isClosed(): boolean {
    return this.state === "closed";
  }

  /** A WebSocket message from the client: zero or more frames and heart-beat EOLs. */
  onClientMessage(data: string | ArrayBuffer): void {
    if (this.state === "closed") return;
    this.lastReceivedMs = this.ports.now();
    const result = this.parser.push(typeof data === "string" ? this.encoder.encode(data) : new Uint8Array(data));
    for (const frame of result.frames) {
      if (this.isClosed || this.state === "disconnecting") return;
      this.onFrame(frame);
    }
    if (result.problem) this.fail(result.problem.message, result.problem.kind === "too_large" ? CloseCode.messageTooBig : CloseCode.invalidPayload);
  }

  /** The client's socket closed: nothing more is sent. */
  onClientClosed(): void {
    this.state = "closed";
  }

  onRoomFrame(frame: ServerFrame): void {
    if (this.state === "closed") return;
    switch (frame.type) {
      case "message":
        return this.deliver(frame);
      case "batch":
        for (const message of frame.messages) this.deliver(message);
        return;
      case "ack": {
        const receipt = this.pendingPublishes.get(frame.id);
        if (receipt === undefined) return;
        this.pendingPublishes.delete(frame.id);
        return this.sendReceipt(receipt);
      }
      case "pong":
        if (frame.id !== undefined) this.onPong(frame.id);
        return;
      case "error": {
        const receipt = frame.id === undefined ? undefined : (this.pendingPublishes.get(frame.id) ?? this.receiptOfPing(frame.id));
        const code = frame.code === "forbidden" ? CloseCode.forbidden : frame.code === "rate_limited" ? CloseCode.policyViolation : CloseCode.invalidPayload;
        return this.fail(frame.message, code, receipt);
      }
      default:
        return; // welcome, presence, direct: STOMP has no frame for them.
    }
  }

  /** The room closed the link (kicked, room deleted, token expired, …): ERROR, then the same code. */
  onRoomClosed(code: number, reason: string): void {
    this.fail(reason || "the room closed the connection", code);
  }

  /** Heart-beats both ways and the CONNECT deadline; call every `tickEveryMs()`. */
  tick(): void {
    const now = this.ports.now();
    if (this.state === "connecting" && now - this.createdMs >= CONNECT_TIMEOUT_MS) return this.fail("no CONNECT frame in time");
    if (this.state !== "connected" && this.state !== "disconnecting") return;
    const { serverSendsEveryMs, clientSendsEveryMs } = this.heartBeats;
    if (clientSendsEveryMs > 0 && now - this.lastReceivedMs > clientSendsEveryMs * HEART_BEAT_GRACE_FACTOR) {
      return this.fail("no heart-beat from the client", CloseCode.policyViolation);
    }
    if (serverSendsEveryMs > 0 && now - this.lastSentMs >= serverSendsEveryMs) this.send("\n");
  }

  tickEveryMs(): number {
    const intervals = [this.heartBeats.serverSendsEveryMs, this.heartBeats.clientSendsEveryMs].filter((ms) => ms > 0);
    if (intervals.length === 0) return MAX_TICK_MS;
    return Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.floor(Math.min(...intervals) / TICKS_PER_HEART_BEAT)));
  }

  // ── client frames ──────────────────────────────────────────────────────────

  private onFrame(frame: StompFrame): void {
    const receipt = header(frame, "receipt");
    if (this.state === "connecting") {
      if (frame.command === "CONNECT" || frame.command === "STOMP") return this.onConnect(frame);
      return this.fail("the first frame must be CONNECT", CloseCode.invalidPayload, receipt);
    }
    switch (frame.command) {
      case "SEND":
        return this.onSend(frame, receipt);
      case "SUBSCRIBE":
        return this.onSubscribe(frame, receipt);
      case "UNSUBSCRIBE":
        return this.onUnsubscribe(frame, receipt);
      case "ACK":
      case "NACK":
        // No redelivery in a room: acknowledgements are accepted and need nothing more.
        if (!ACK_ID_HEADERS.some((name) => header(frame, name) !== undefined)) return this.fail(`${frame.command} needs an id header`, CloseCode.invalidPayload, receipt);
        return this.receiptAfterRoom(receipt);
      case "BEGIN":
      case "COMMIT":
      case "ABORT":
        return this.onTransaction(frame, receipt);
      case "DISCONNECT":
        return this.onDisconnect(receipt);
      default:
        return this.fail("already connected", CloseCode.invalidPayload, receipt);
    }
  }

  private onConnect(frame: StompFrame): void {
    const version = negotiateVersion(header(frame, "accept-version"));
    if (!version) {
      const supported = [...SUPPORTED_VERSIONS].reverse().join(",");
      return this.fail("unsupported STOMP version", CloseCode.invalidPayload, undefined, [["version", supported]], `Supported protocol versions are ${supported}`);
    }
    const clientBeats = parseHeartBeat(header(frame, "heart-beat"));
    if (!clientBeats) return this.fail("heart-beat must be two whole numbers of ms, like 10000,10000");
    this.version = version;
    this.parser.version = version;
    const offer = this.settings.heartbeatMs;
    this.heartBeats = negotiateHeartBeats(clientBeats, [offer, offer]);
    this.state = "connected";
    this.send(
      encodeFrame("CONNECTED", [
        ["version", version],
        ["heart-beat", `${offer},${offer}`],
        ["server", "roomcast"],
        ["session", this.settings.sessionId],
      ]),
    );
  }

  private onSend(frame: StompFrame, receipt: string | undefined): void {
    const destination = header(frame, "destination");
    const topic = destination === undefined ? null : topicOf(destination);
    if (topic === null) return this.fail("SEND needs a destination /topic/NAME", CloseCode.invalidPayload, receipt);
    if (frame.body.byteLength > this.settings.maxBodyBytes) return this.fail(`body over ${this.settings.maxBodyBytes} bytes`, CloseCode.messageTooBig, receipt);
    const body = decodeSendBody(frame.body, header(frame, "content-type"));
    if (!body.ok) return this.fail(body.message, CloseCode.invalidPayload, receipt);
    const transaction = header(frame, "transaction");
    if (transaction !== undefined) {
      const sends = this.transactions.get(transaction);
      if (!sends) return this.fail("SEND names a transaction that was not begun", CloseCode.invalidPayload, receipt);
      if (sends.length >= MAX_SENDS_PER_TRANSACTION) return this.fail(`more than ${MAX_SENDS_PER_TRANSACTION} SENDs in one transaction`, CloseCode.invalidPayload, receipt);
      sends.push({ topic, data: body.data });
      if (receipt !== undefined) this.sendReceipt(receipt);
      return;
    }
    const publish: ClientFrame = { type: "publish", topic, data: body.data };
    if (receipt !== undefined) {
      if (this.tooManyPending(receipt)) return;
      publish.id = this.newId("p");
      this.pendingPublishes.set(publish.id, receipt);
    }
    this.ports.toRoom(publish);
  }

  private onSubscribe(frame: StompFrame, receipt: string | undefined): void {
    const destination = header(frame, "destination");
    const topic = destination === undefined ? null : topicOf(destination);
    if (destination === undefined || topic === null) return this.fail("SUBSCRIBE needs a destination /topic/NAME", CloseCode.invalidPayload, receipt);
    const id = header(frame, "id") ?? (this.version === "1.0" ? destination : undefined);
    if (!id) return this.fail("SUBSCRIBE needs an id header", CloseCode.invalidPayload, receipt);
    if (this.subscriptions.get(id)) return this.fail(`subscription id "${id.slice(0, 64)}" is already in use`, CloseCode.invalidPayload, receipt);
    if (this.subscriptions.size >= MAX_SUBSCRIPTIONS) return this.fail(`at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`, CloseCode.invalidPayload, receipt);
    const ack = header(frame, "ack") ?? "auto";
    if (!ACK_MODES.has(ack)) return this.fail("ack must be auto, client or client-individual", CloseCode.invalidPayload, receipt);
    if (receipt !== undefined && this.tooManyPending(receipt)) return;
    if (!this.subscriptions.add({ id, destination, topic, ack: ack as AckMode })) return this.receiptAfterRoom(receipt);
    this.ports.toRoom({ type: "subscribe", topics: [topic] });
    const pingId = this.newId("s");
    this.pendingPings.set(pingId, { kind: "subscribe", subscriptionId: id, receipt });
    this.snapshotOwners.push(pingId);
    this.ports.toRoom({ type: "ping", id: pingId });
  }

  private onUnsubscribe(frame: StompFrame, receipt: string | undefined): void {
    const id = header(frame, "id") ?? (this.version === "1.0" ? header(frame, "destination") : undefined);
    const removed = id === undefined ? undefined : this.subscriptions.remove(id);
    if (!removed) return this.fail("UNSUBSCRIBE names no current subscription", CloseCode.invalidPayload, receipt);
    if (removed.lastOfFilter) this.ports.toRoom({ type: "unsubscribe", topics: [removed.subscription.topic] });
    this.receiptAfterRoom(receipt);
  }

  private onTransaction(frame: StompFrame, receipt: string | undefined): void {
    const transaction = header(frame, "transaction");
    if (!transaction) return this.fail(`${frame.command} needs a transaction header`, CloseCode.invalidPayload, receipt);
    const sends = this.transactions.get(transaction);
    if (frame.command === "BEGIN") {
      if (sends) return this.fail("transaction already begun", CloseCode.invalidPayload, receipt);
      if (this.transactions.size >= MAX_OPEN_TRANSACTIONS) return this.fail(`at most ${MAX_OPEN_TRANSACTIONS} open transactions`, CloseCode.invalidPayload, receipt);
      this.transactions.set(transaction, []);
      return this.receiptAfterRoom(receipt);
    }
    if (!sends) return this.fail(`${frame.command} names a transaction that was not begun`, CloseCode.invalidPayload, receipt);
    this.transactions.delete(transaction);
    if (frame.command === "COMMIT") for (const send of sends) this.ports.toRoom({ type: "publish", topic: send.topic, data: send.data });
    this.receiptAfterRoom(receipt);
  }

  private onDisconnect(receipt: string | undefined): void {
    if (receipt === undefined) return this.shutdown(CloseCode.normal, "disconnected");
    this.state = "disconnecting";
    const pingId = this.newId("d");
    this.pendingPings.set(pingId, { kind: "disconnect", receipt });
    this.ports.toRoom({ type: "ping", id: pingId });
  }

  // ── room answers ───────────────────────────────────────────────────────────

  private onPong(id: string): void {
    const ping = this.pendingPings.get(id);
    if (!ping) return;
    this.pendingPings.delete(id);
    if (ping.kind === "subscribe") {
      const index = this.snapshotOwners.indexOf(id);
      if (index >= 0) this.snapshotOwners.splice(index, 1);
      if (ping.receipt !== undefined) this.sendReceipt(ping.receipt);
      return;
    }
    this.sendReceipt(ping.receipt);
    if (ping.kind === "disconnect") this.shutdown(CloseCode.normal, "disconnected");
  }

  private deliver(message: MessageFrame): void {
    const topic = message.topic;
    if (topic === undefined) return; // Untopiced messages have no destination.
    for (const subscription of message.snapshot ? this.snapshotTarget(topic) : this.subscriptions.matching(topic)) {
      const text = typeof message.data === "string";
      const headers: Array<[string, string]> = [
        ["subscription", subscription.id],
        ["message-id", String(message.seq)],
        ["destination", destinationOf(topic)],
        ["content-type", text ? "text/plain;charset=utf-8" : "application/json"],
      ];
      if (subscription.ack !== "auto" && this.version === "1.2") headers.push(["ack", String(message.seq)]);
      if (message.snapshot) headers.push(["snapshot", "true"]);
      this.send(encodeFrame("MESSAGE", headers, text ? (message.data as string) : JSON.stringify(message.data), this.version));
    }
  }

  /** A snapshot goes only to the subscription whose subscribe the room is answering. */
  private snapshotTarget(topic: string): Subscription[] {
    const owner = this.snapshotOwners[0];
    const ping = owner === undefined ? undefined : this.pendingPings.get(owner);
    const subscription = ping?.kind === "subscribe" ? this.subscriptions.get(ping.subscriptionId) : undefined;
    return subscription && topicMatches(subscription.topic, topic) ? [subscription] : [];
  }

  // ── helpers ────────────────────────────────────────────────────────────────

  private receiptOfPing(id: string): string | undefined {
    const ping = this.pendingPings.get(id);
    return ping?.receipt;
  }

  /** A RECEIPT once the room has handled everything sent before it (a ping's pong). */
  private receiptAfterRoom(receipt: string | undefined): void {
    if (receipt === undefined || this.tooManyPending(receipt)) return;
    const pingId = this.newId("r");
    this.pendingPings.set(pingId, { kind: "receipt", receipt });
    this.ports.toRoom({ type: "ping", id: pingId });
  }

  private tooManyPending(receipt: string): boolean {
    if (this.pendingPings.size + this.pendingPublishes.size < MAX_PENDING_RECEIPTS) return false;
    this.fail(`more than ${MAX_PENDING_RECEIPTS} receipts pending`, CloseCode.policyViolation, receipt);
    return true;
  }

  private sendReceipt(receipt: string): void {
    this.send(encodeFrame("RECEIPT", [["receipt-id", receipt]], "", this.version));
  }

  private newId(kind: string): string {
    return `${this.settings.idPrefix}.${kind}${++this.idCounter}`;
  }

  private send(text: string): void {
    if (this.state === "closed") return;
    this.lastSentMs = this.ports.now();
    this.ports.toClient(text);
  }

  /** ERROR (with the receipt-id of the frame at fault, if it asked for one), then close. */
  private fail(message: string, code: number = CloseCode.invalidPayload, receipt?: string, extra: Array<[string, string]> = [], detail?: string): void {
    if (this.state === "closed") return;
    const headers: Array<[string, string]> = [["message", message], ...extra, ["content-type", "text/plain"]];
    if (receipt !== undefined) headers.push(["receipt-id", receipt]);
    this.send(encodeFrame("ERROR", headers, detail ?? message, this.version));
    this.shutdown(code, message);
  }

  private shutdown(code: number, reason: string): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.ports.close(code, reason);
  }
}
