/**
 * @module room-client
 * RoomClient (SPEC §9): one logical connection to a room that survives lost links. It owns the
 * socket lifecycle — connect, welcome, heartbeat, close, backoff — and hands frames to the
 * sequencer (exactly-once delivery), the outbox (acked publishes) and the roster (presence).
 */
import { CloseCode } from "../shared/close-codes";
import { DEFAULT_LIMITS, type Limits } from "../shared/limits";
import type { ClientFrame } from "../shared/protocol";
import { Emitter, RoomClientError, type ConnectionState, type EventName, type Handler, type StateChange } from "./events";
import { Heartbeat, HEARTBEAT_PING_TEXT, HEARTBEAT_PONG_TEXT } from "./heartbeat";
import { newMessageId } from "./ids";
import { connectionTarget, resolveOptions, type ResolvedOptions, type RoomClientOptions } from "./options";
import { Outbox } from "./outbox";
import { decideReconnect, LOCAL_CLOSE } from "./reconnect-policy";
import { Roster } from "./roster";
import { Sequencer } from "./sequencer";
import type { Member, MessageFrame, ServerFrame, WelcomeServerFrame } from "./server-frames";
import { decodeServerFrame } from "./server-frames";
import { platformWebSocket, SOCKET_OPEN, type SocketConstructor, type SocketLike } from "./socket";

const REASON = Object.freeze({
  heartbeat: "heartbeat timeout: no pong or other frame",
  connectTimeout: "no welcome within connectTimeoutMs",
  clientClosed: "closed by the client",
});
/** After `rate_limited` (the room dropped a frame without naming it), wait this long, then resend unacked publishes. */
const RATE_LIMITED_RESEND_DELAY_MS = 1_000;

export class RoomClient {
  private readonly options: ResolvedOptions;
  private readonly WebSocketClass: SocketConstructor;
  private readonly emitter = new Emitter();
  private readonly sequencer = new Sequencer();
  private readonly roster = new Roster();
  private readonly outbox: Outbox;
  private readonly heartbeat: Heartbeat;
  private readonly topics: Set<string>;
  private socket: SocketLike | undefined;
  /** Counts sockets, so an outbox entry knows which connection it was sent on. */
  private generation = 0;
  private welcomed = false;
  private stateValue: ConnectionState = "connecting";
  private attempt = 0;
  private authRetried = false;
  private everOpened = false;
  private presenceState: { value: unknown } | undefined;
  private limitsValue: Limits | undefined;
  private connectionIdValue: string | undefined;
  private timers = { retry: undefined as ReturnType<typeof setTimeout> | undefined, connect: undefined as ReturnType<typeof setTimeout> | undefined, resend: undefined as ReturnType<typeof setTimeout> | undefined };

  constructor(options: RoomClientOptions) {
    this.options = resolveOptions(options);
    this.WebSocketClass = platformWebSocket(options.WebSocket);
    this.topics = new Set(this.options.topics);
    this.outbox = new Outbox(this.options.maxQueuedMessages);
    this.heartbeat = new Heartbeat(this.options.heartbeatIntervalMs, this.options.heartbeatTimeoutMs, () => this.abandon(REASON.heartbeat));
    if (options.resumeFrom) this.sequencer.restore(options.resumeFrom.epoch, options.resumeFrom.seq);
    // Connect after the caller's synchronous `on(...)` calls, so they see the first `connecting`.
    queueMicrotask(() => void this.connect());
  }

  // ── public API ────────────────────────────────────────────────────────────

  on<K extends EventName>(event: K, handler: Handler<K>): () => void {
    return this.emitter.on(event, handler);
  }

  off<K extends EventName>(event: K, handler: Handler<K>): void {
    this.emitter.off(event, handler);
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  get connectionId(): string | undefined {
    return this.connectionIdValue;
  }

  get members(): Member[] {
    return this.roster.members;
  }

  /** The room's limits from the last welcome (undefined before the first). */
  get limits(): Limits | undefined {
    return this.limitsValue;
  }

  /** Where delivery stands: save it to resume after a restart with `resumeFrom`. */
  get position(): { epoch: string; seq: number } | undefined {
    const epoch = this.sequencer.epoch;
    return epoch === undefined ? undefined : { epoch, seq: this.sequencer.lastSeq };
  }

  /** Live messages dropped because they were already delivered (replays overlapping a link). */
  get duplicatesDropped(): number {
    return this.sequencer.duplicatesDropped;
  }

  /** Publishes waiting for an ack or a connection. */
  get queuedMessages(): number {
    return this.outbox.size;
  }

  /** Publishes to the room; resolves with the seq the room gave it. Queued while offline. */
  publish(data: unknown, options: { topic?: string } = {}): Promise<number> {
    if (this.stateValue === "closed") return Promise.reject(new RoomClientError("closed", "the client is closed"));
    const id = newMessageId();
    const frame: ClientFrame = { type: "publish", data, id, ...(options.topic === undefined ? {} : { topic: options.topic }) };
    return this.outbox.add(id, JSON.stringify(frame));
  }

  /** Sends a direct message to one connection; not sequenced, not stored. False when offline (not queued). */
  direct(connectionId: string, data: unknown): boolean {
    return this.sendFrame({ type: "direct", to: connectionId, data });
  }

  subscribe(topics: string[]): void {
    for (const topic of topics) this.topics.add(topic);
    this.sendFrame({ type: "subscribe", topics });
  }

  unsubscribe(topics: string[]): void {
    for (const topic of topics) this.topics.delete(topic);
    this.sendFrame({ type: "unsubscribe", topics });
  }

  /** This connection's presence state; sent again after every reconnect. */
  setPresence(state: unknown): void {
    this.presenceState = { value: state };
    this.sendFrame({ type: "presence", state });
  }

  /** Closes for good (1000); pending publishes are rejected with `closed`. */
  close(): void {
    if (this.stateValue === "closed") return;
    const socket = this.socket;
    this.finish(CloseCode.normal, REASON.clientClosed);
    try {
      socket?.close(CloseCode.normal, REASON.clientClosed);
    } catch {
      // Already closing: nothing more to say to the room.
    }
  }

  // ── connection lifecycle ──────────────────────────────────────────────────

  private async connect(): Promise<void> {
    this.timers.retry = undefined;
    if (this.stateValue === "closed") return;
    if (!this.everOpened && this.attempt === 0) this.setState({ state: "connecting" });
    let token: string | undefined;
    try {
      const source = this.options.token;
      token = typeof source === "function" ? await source() : source;
    } catch (error) {
      this.emitter.emit("error", new RoomClientError("token_failed", `the token function failed: ${(error as Error)?.message ?? error}`));
      this.onLinkEnded(LOCAL_CLOSE.abnormal, "no token");
      return;
    }
    if (this.stateValue === "closed") return;
    const target = connectionTarget(this.options, [...this.topics], this.sequencer.resumeParams(), token);
    let socket: SocketLike;
    try {
      socket = new this.WebSocketClass(target.url, target.protocols);
    } catch (error) {
      this.emitter.emit("error", new RoomClientError("connect_failed", `could not open a WebSocket: ${(error as Error)?.message ?? error}`));
      this.onLinkEnded(LOCAL_CLOSE.abnormal, "could not open a WebSocket");
      return;
    }
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    this.generation++;
    this.welcomed = false;
    this.timers.connect = setTimeout(() => this.abandon(REASON.connectTimeout), this.options.connectTimeoutMs);
    socket.addEventListener("open", () => {
      if (socket === this.socket) this.heartbeat.start(() => this.sendText(HEARTBEAT_PING_TEXT));
    });
    socket.addEventListener("message", (event) => {
      if (socket === this.socket) this.onData(event.data);
    });
    socket.addEventListener("close", (event) => {
      if (socket === this.socket) this.onLinkEnded(event.code, event.reason);
    });
  }

  /** Gives up on a link that still looks open (silent link, no welcome) and reconnects at once. */
  private abandon(reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.onLinkEnded(LOCAL_CLOSE.abnormal, reason);
    try {
      socket.close(LOCAL_CLOSE.abandonWireCode, reason);
    } catch {
      // Its close event is ignored anyway: the socket is no longer current.
    }
  }

  private detach(): void {
    this.socket = undefined;
    this.welcomed = false;
    this.connectionIdValue = undefined;
    this.heartbeat.stop();
    this.outbox.stopConnection();
    for (const key of ["connect", "resend"] as const) clearTimeout(this.timers[key]);
  }

  private onLinkEnded(code: number, reason: string): void {
    const generation = this.generation;
    this.detach();
    if (this.stateValue === "closed") return;
    if (code === CloseCode.messageTooBig) this.outbox.dropLargestSentOn(generation);
    const decision = decideReconnect(
      { code, attempt: this.attempt, canRefreshToken: typeof this.options.token === "function", authRetried: this.authRetried },
      this.options.backoff,
      this.options.random,
    );
    if (decision.action === "stop") {
      this.finish(code, reason || decision.why);
      return;
    }
    if (code === CloseCode.unauthorized) this.authRetried = true;
    this.attempt++;
    this.setState({ state: "reconnecting", code, reason: reason || decision.why, delayMs: decision.delayMs, attempt: this.attempt });
    this.timers.retry = setTimeout(() => void this.connect(), decision.delayMs);
  }

  private finish(code: number, reason: string): void {
    clearTimeout(this.timers.retry);
    this.detach();
    this.setState({ state: "closed", code, reason });
    this.outbox.rejectAll(new RoomClientError("closed", `the connection closed for good (${code}${reason ? `: ${reason}` : ""})`));
  }

  private setState(change: StateChange): void {
    this.stateValue = change.state;
    this.emitter.emit("state", change);
  }

  // ── frames ────────────────────────────────────────────────────────────────

  private onData(data: unknown): void {
    this.heartbeat.traffic();
    if (typeof data !== "string") {
      if (data instanceof ArrayBuffer) this.emitter.emit("binary", data);
      return;
    }
    if (data === HEARTBEAT_PONG_TEXT) return;
    const decoded = decodeServerFrame(data);
    if (decoded.ok) this.onFrame(decoded.frame);
    else if (decoded.kind === "invalid") this.emitter.emit("error", new RoomClientError("bad_frame", `ignored a frame from the room: ${decoded.reason}`));
    // Unknown types are skipped: a newer room may send frames this SDK does not know.
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "welcome":
        return this.onWelcome(frame);
      case "message":
        return this.deliver(frame);
      case "batch":
        for (const message of frame.messages) this.deliver(message);
        return;
      case "ack":
        this.outbox.ack(frame.id, frame.seq);
        return;
      case "direct":
        return this.emitter.emit("direct", { from: frame.from, data: frame.data, ts: frame.ts });
      case "presence":
        return this.emitter.emit("presence", this.roster.apply(frame));
      case "error":
        return this.onErrorFrame(frame.code, frame.message, frame.id);
      case "pong":
        return;
    }
  }

  private onWelcome(welcome: WelcomeServerFrame): void {
    clearTimeout(this.timers.connect);
    const generation = this.generation;
    this.welcomed = true;
    this.everOpened = true;
    this.attempt = 0;
    this.authRetried = false;
    this.connectionIdValue = welcome.connectionId;
    this.limitsValue = { ...DEFAULT_LIMITS, ...welcome.limits };
    const outcome = this.sequencer.onWelcome(welcome);
    this.setState({ state: "open", connectionId: welcome.connectionId });
    if (outcome) this.emitter.emit("resume", outcome);
    this.emitter.emit("presence", this.roster.reset(welcome.members));
    if (generation !== this.generation || !this.welcomed) return; // a handler closed or replaced the link
    if (this.presenceState) this.sendFrame({ type: "presence", state: this.presenceState.value });
    this.outbox.startConnection(generation, (text) => this.sendText(text), this.limitsValue);
  }

  private deliver(message: MessageFrame): void {
    if (!this.sequencer.accept(message)) return;
    const { type: _type, ...fields } = message;
    this.emitter.emit("message", fields);
  }

  private onErrorFrame(code: string, message: string, id: string | undefined): void {
    const error = new RoomClientError(code, message, id);
    if (id !== undefined && this.outbox.fail(id, error)) return;
    if (code === "rate_limited" && this.timers.resend === undefined) {
      // Which frame was dropped is not said; unacked publishes are resent (same ids: no duplicates).
      this.timers.resend = setTimeout(() => {
        this.timers.resend = undefined;
        this.outbox.resendAll();
      }, RATE_LIMITED_RESEND_DELAY_MS);
    }
    this.emitter.emit("error", error);
  }

  private sendFrame(frame: ClientFrame): boolean {
    return this.welcomed && this.sendText(JSON.stringify(frame));
  }

  private sendText(text: string): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== SOCKET_OPEN) return false;
    try {
      socket.send(text);
      return true;
    } catch {
      return false;
    }
  }
}
