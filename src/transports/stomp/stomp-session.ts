/**
 * @module stomp-session
 * One STOMP 1.0–1.2 connection as a state machine over ports (docs/protocol.md §10), runtime-free so it is
 * tested without a gateway. Client frames become `roomcast.v1` frames on the connection's room
 * link; room frames become MESSAGE / RECEIPT / ERROR (room-requests.ts keeps what is awaited).
 * Anything wrong gets ERROR, then the connection closes, as STOMP requires.
 */
import { CloseCode } from "../../shared/close-codes";
import { Close, type NamedClose } from "../../shared/closes";
import { ErrorCode } from "../../shared/error-codes";
import type { ClientFrame, MessageFrame, ServerFrame } from "../../shared/protocol";
import { topicMatches } from "../../shared/topics";
import { StompParser, encodeFrame, header, type StompFrame, type StompVersion } from "./frame";
import { encodeMessage } from "./message-frame";
import { HeartBeatClock } from "./heart-beat-clock";
import { SUPPORTED_VERSIONS, negotiateHeartBeats, negotiateVersion, parseHeartBeat } from "./negotiation";
import { RoomRequests } from "./room-requests";
import { decodeSendBody } from "./send-body";
import { ACK_MODES, Subscriptions, topicOf, type AckMode, type Subscription } from "./subscriptions";
import { FRAME_HEADER_ALLOWANCE_BYTES, type StompPorts, type StompSettings } from "./session-ports";
import { Transactions } from "./transactions";
import { CONNECT_TIMEOUT_MS, MAX_PENDING_REQUESTS, MAX_SUBSCRIPTIONS } from "../../shared/limits";

/** 1.0 clients send ACK with `message-id`, 1.2 with `id`. */
const ACK_ID_HEADERS = ["id", "message-id"];

type State = "connecting" | "connected" | "disconnecting" | "closed";

export class StompSession {
  private state: State = "connecting";
  private version: StompVersion | undefined;
  private readonly parser: StompParser;
  private readonly subscriptions = new Subscriptions();
  private readonly requests: RoomRequests;
  private readonly transactions = new Transactions();
  private readonly clock: HeartBeatClock;
  private readonly createdMs: number;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly ports: StompPorts,
    private readonly settings: StompSettings,
  ) {
    this.parser = new StompParser(settings.maxBodyBytes + FRAME_HEADER_ALLOWANCE_BYTES);
    this.requests = new RoomRequests(settings.idPrefix);
    this.createdMs = ports.now();
    this.clock = new HeartBeatClock(this.createdMs);
  }

  get isClosed(): boolean {
    return this.state === "closed";
  }

  /** A WebSocket message from the client: zero or more frames and heart-beat EOLs. */
  onClientMessage(data: string | ArrayBuffer): void {
    if (this.state === "closed") return;
    this.clock.received(this.ports.now());
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
        const receipt = this.requests.takeAck(frame.id);
        if (receipt !== undefined) this.sendReceipt(receipt);
        return;
      }
      case "pong":
        if (frame.id !== undefined) this.onPong(frame.id);
        return;
      case "error": {
        const receipt = frame.id === undefined ? undefined : this.requests.receiptOf(frame.id);
        const code = frame.code === ErrorCode.forbidden ? CloseCode.forbidden : frame.code === ErrorCode.rateLimited ? CloseCode.policyViolation : CloseCode.invalidPayload;
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
    const due = this.clock.due(now);
    if (due === "silent") return this.fail("no heart-beat from the client", CloseCode.policyViolation);
    if (due === "beat") this.send("\n");
  }

  tickEveryMs(): number {
    return this.clock.tickEveryMs();
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
    this.clock.beats = negotiateHeartBeats(clientBeats, [offer, offer]);
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
      const refused = this.transactions.hold(transaction, { topic, data: body.data });
      if (refused) return this.fail(refused, CloseCode.invalidPayload, receipt);
      if (receipt !== undefined) this.sendReceipt(receipt);
      return;
    }
    const publish: ClientFrame = { type: "publish", topic, data: body.data };
    if (receipt !== undefined) {
      if (this.tooManyPending(receipt)) return;
      publish.id = this.requests.publish(receipt);
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
    this.ports.toRoom({ type: "ping", id: this.requests.ping({ kind: "subscribe", subscriptionId: id, receipt }) });
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
    if (frame.command === "BEGIN") {
      const refused = this.transactions.begin(transaction);
      return refused ? this.fail(refused, CloseCode.invalidPayload, receipt) : this.receiptAfterRoom(receipt);
    }
    const sends = this.transactions.finish(transaction);
    if (!sends) return this.fail(`${frame.command} names a transaction that was not begun`, CloseCode.invalidPayload, receipt);
    if (frame.command === "COMMIT") for (const send of sends) this.ports.toRoom({ type: "publish", topic: send.topic, data: send.data });
    this.receiptAfterRoom(receipt);
  }

  private onDisconnect(receipt: string | undefined): void {
    if (receipt === undefined) return this.shutdown(Close.stompDisconnected);
    this.state = "disconnecting";
    this.ports.toRoom({ type: "ping", id: this.requests.ping({ kind: "disconnect", receipt }) });
  }

  // ── room answers ───────────────────────────────────────────────────────────

  private onPong(id: string): void {
    const ping = this.requests.takePong(id);
    if (!ping) return;
    if (ping.kind === "subscribe") {
      if (ping.receipt !== undefined) this.sendReceipt(ping.receipt);
      return;
    }
    this.sendReceipt(ping.receipt);
    if (ping.kind === "disconnect") this.shutdown(Close.stompDisconnected);
  }

  private deliver(message: MessageFrame): void {
    const topic = message.topic;
    if (topic === undefined) return; // Untopiced messages have no destination.
    for (const subscription of message.snapshot ? this.snapshotTarget(topic) : this.subscriptions.matching(topic)) {
      this.send(encodeMessage({ ...message, topic }, subscription, this.version));
    }
  }

  /** A snapshot goes only to the subscription whose subscribe the room is answering. */
  private snapshotTarget(topic: string): Subscription[] {
    const owner = this.requests.snapshotSubscription();
    const subscription = owner === undefined ? undefined : this.subscriptions.get(owner);
    return subscription && topicMatches(subscription.topic, topic) ? [subscription] : [];
  }

  // ── helpers ────────────────────────────────────────────────────────────────

  /** A RECEIPT once the room has handled everything sent before it (a ping's pong). */
  private receiptAfterRoom(receipt: string | undefined): void {
    if (receipt === undefined || this.tooManyPending(receipt)) return;
    this.ports.toRoom({ type: "ping", id: this.requests.ping({ kind: "receipt", receipt }) });
  }

  private tooManyPending(receipt: string): boolean {
    if (!this.requests.full) return false;
    this.fail(`more than ${MAX_PENDING_REQUESTS} receipts pending`, CloseCode.policyViolation, receipt);
    return true;
  }

  private sendReceipt(receipt: string): void {
    this.send(encodeFrame("RECEIPT", [["receipt-id", receipt]], "", this.version));
  }

  private send(text: string): void {
    if (this.state === "closed") return;
    this.clock.sent(this.ports.now());
    this.ports.toClient(text);
  }

  /** ERROR (with the receipt-id of the frame at fault, if it asked for one), then close. */
  private fail(message: string, code: number = CloseCode.invalidPayload, receipt?: string, extra: Array<[string, string]> = [], detail?: string): void {
    if (this.state === "closed") return;
    const headers: Array<[string, string]> = [["message", message], ...extra, ["content-type", "text/plain"]];
    if (receipt !== undefined) headers.push(["receipt-id", receipt]);
    this.send(encodeFrame("ERROR", headers, detail ?? message, this.version));
    this.shutdown({ code, reason: message });
  }

  private shutdown(close: NamedClose): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.ports.close(close.code, close.reason);
  }
}
