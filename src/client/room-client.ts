/**
 * @module room-client
 * RoomClient (docs/protocol.md §9): one logical connection to a room that survives lost links. It decides
 * what happens to the connection — connect (with a fresh token), welcome, reconnect with backoff
 * or stop, by close code — while the link (link.ts) watches the socket itself, and hands frames
 * to the sequencer (exactly-once delivery), the outbox (acked publishes), the roster (presence)
 * and, with a token function, the in-band token refresh (token-refresh.ts).
 */
import { CloseCode } from "../shared/close-codes";
import { DEFAULT_LIMITS, type Limits } from "../shared/limits";
import { ErrorCode } from "../shared/error-codes";
import { decodeServerFrame, type ClientFrame, type Member, type MessageFrame, type ServerFrame, type WelcomeServerFrame } from "../shared/protocol";
import { Emitter, RoomClientError, type ConnectionState, type EventName, type Handler, type StateChange } from "./events";
import { HEARTBEAT_PONG_TEXT } from "./heartbeat";
import { checkTopic, directFrame, presenceFrame, publishFrame } from "./outbound-frames";
import { newMessageId } from "./ids";
import { Link } from "./link";
import { connectionTarget, resolveOptions, type ResolvedOptions, type RoomClientOptions } from "./options";
import { Outbox } from "./outbox";
import { decideReconnect, LOCAL_CLOSE } from "./reconnect-policy";
import { Roster } from "./roster";
import { Sequencer } from "./sequencer";
import { platformWebSocket } from "./socket";
import { cancelTimer, type Timer } from "./timers";
import { TokenRefresh } from "./token-refresh";

const CLIENT_CLOSED_REASON = "closed by the client";

export class RoomClient {
  private readonly options: ResolvedOptions;
  private readonly link: Link;
  private readonly emitter = new Emitter();
  private readonly sequencer = new Sequencer();
  private readonly roster = new Roster();
  private readonly outbox: Outbox;
  private readonly tokens: TokenRefresh;
  private readonly topics: Set<string>;
  /** The filters the current connection was opened with (`?topics=`). */
  private connectedTopics: string[] = [];
  /** The current link got its welcome: frames may be sent on it. */
  private welcomed = false;
  private stateValue: ConnectionState = "connecting";
  private attempt = 0;
  private authRetried = false;
  private everOpened = false;
  /** The last setPresence() frame, sent again on every new connection. */
  private presenceText: string | undefined;
  private limitsValue: Limits | undefined;
  private connectionIdValue: string | undefined;
  private retryTimer: Timer | undefined;

  constructor(options: RoomClientOptions) {
    this.options = resolveOptions(options);
    this.link = new Link(platformWebSocket(options.WebSocket), this.options, {
      data: (data) => this.onData(data),
      ended: (code, reason) => this.onLinkEnded(code, reason),
    });
    this.topics = new Set(this.options.topics);
    this.outbox = new Outbox(this.options.maxQueuedMessages);
    this.tokens = new TokenRefresh(this.options.token, { send: (text) => this.sendText(text), error: (error) => this.emitter.emit("error", error) });
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

  /** The room's members while it lists them; empty while it counts (over its list size, docs/protocol.md §8). */
  get members(): Member[] {
    return this.roster.members;
  }

  /** Open connections in the room, kept current in either presence mode. */
  get memberCount(): number {
    return this.roster.memberCount;
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
    try {
      return this.outbox.add(id, publishFrame(data, options.topic, id));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Sends a direct message to one connection; not sequenced, not stored. False when offline (not queued). */
  direct(connectionId: string, data: unknown): boolean {
    return this.sendText(directFrame(connectionId, data));
  }

  /** Adds topic filters (the room sends the latest message of each matching topic, as a snapshot). */
  subscribe(topics: string[]): void {
    topics.forEach(checkTopic);
    for (const topic of topics) this.topics.add(topic);
    this.sendFrame({ type: "subscribe", topics });
  }

  unsubscribe(topics: string[]): void {
    for (const topic of topics) this.topics.delete(topic);
    this.sendFrame({ type: "unsubscribe", topics });
  }

  /** This connection's presence state; sent again after every reconnect. */
  setPresence(state: unknown): void {
    const text = presenceFrame(state);
    this.presenceText = text;
    this.sendText(text);
  }

  /** Closes for good (1000); pending publishes are rejected with `closed`. */
  close(): void {
    if (this.stateValue === "closed") return;
    this.link.close(CloseCode.normal, CLIENT_CLOSED_REASON);
    this.finish(CloseCode.normal, CLIENT_CLOSED_REASON);
  }

  // ── connection lifecycle ──────────────────────────────────────────────────

  private async connect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.stateValue === "closed") return;
    if (!this.everOpened && this.attempt === 0) this.setState({ state: "connecting" });
    const fetched = await this.tokens.forConnect();
    if (!fetched) return this.onLinkEnded(LOCAL_CLOSE.abnormal, "no token");
    if (this.isClosed()) return;
    this.connectedTopics = [...this.topics];
    const target = connectionTarget(this.options, this.connectedTopics, this.sequencer.resumeParams(), fetched.token);
    try {
      this.link.open(target.url, target.protocols);
    } catch (error) {
      this.emitter.emit("error", new RoomClientError("connect_failed", `could not open a WebSocket: ${(error as Error)?.message ?? error}`));
      return this.onLinkEnded(LOCAL_CLOSE.abnormal, "could not open a WebSocket");
    }
  }

  private onLinkEnded(code: number, reason: string): void {
    this.welcomed = false;
    this.connectionIdValue = undefined;
    this.outbox.stopConnection();
    this.tokens.stop();
    if (this.stateValue === "closed") return;
    if (code === CloseCode.messageTooBig) this.outbox.dropLargestSentOn(this.link.generation);
    const context = { code, attempt: this.attempt, canRefreshToken: typeof this.options.token === "function", authRetried: this.authRetried };
    const decision = decideReconnect(context, this.options.backoff, this.options.random);
    if (decision.action === "stop") return this.finish(code, reason || decision.why);
    if (code === CloseCode.unauthorized) this.authRetried = true;
    this.attempt++;
    this.setState({ state: "reconnecting", code, reason: reason || decision.why, delayMs: decision.delayMs, attempt: this.attempt });
    this.retryTimer = setTimeout(() => void this.connect(), decision.delayMs);
  }

  private finish(code: number, reason: string): void {
    cancelTimer(this.retryTimer);
    this.tokens.stop();
    this.link.close(CloseCode.normal, reason);
    this.welcomed = false;
    this.connectionIdValue = undefined;
    this.setState({ state: "closed", code, reason });
    this.outbox.rejectAll(new RoomClientError("closed", `the connection closed for good (${code}${reason ? `: ${reason}` : ""})`));
  }

  private isClosed(): boolean {
    return this.stateValue === "closed";
  }

  private setState(change: StateChange): void {
    this.stateValue = change.state;
    this.emitter.emit("state", change);
  }

  // ── frames ────────────────────────────────────────────────────────────────

  private onData(data: unknown): void {
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
        if (!this.tokens.answered(frame.id)) this.outbox.ack(frame.id, frame.seq);
        return;
      case "direct":
        return this.emitter.emit("direct", { from: frame.from, data: frame.data, ts: frame.ts });
      case "presence":
        return this.emitter.emit("presence", this.roster.frame(frame));
      case "error":
        return this.onErrorFrame(frame.code, frame.message, frame.id);
      case "pong":
        return;
    }
  }

  private onWelcome(welcome: WelcomeServerFrame): void {
    this.link.welcomed();
    const generation = this.link.generation;
    this.welcomed = true;
    this.everOpened = true;
    this.attempt = 0;
    this.authRetried = false;
    this.connectionIdValue = welcome.connectionId;
    this.limitsValue = { ...DEFAULT_LIMITS, ...welcome.limits };
    const outcome = this.sequencer.onWelcome(welcome);
    this.setState({ state: "open", connectionId: welcome.connectionId });
    if (outcome) this.emitter.emit("resume", outcome);
    this.emitter.emit("presence", this.roster.welcome(welcome));
    if (generation !== this.link.generation || !this.welcomed) return; // a handler closed or replaced the link
    this.syncTopics();
    if (this.presenceText !== undefined) this.sendText(this.presenceText);
    this.outbox.startConnection(generation, (text) => this.link.send(text), this.limitsValue);
    this.tokens.welcomed();
  }

  /** subscribe()/unsubscribe() made while this connection was opening were not sent yet. */
  private syncTopics(): void {
    const added = [...this.topics].filter((topic) => !this.connectedTopics.includes(topic));
    const removed = this.connectedTopics.filter((topic) => !this.topics.has(topic));
    if (added.length > 0) this.sendFrame({ type: "subscribe", topics: added });
    if (removed.length > 0) this.sendFrame({ type: "unsubscribe", topics: removed });
  }

  private deliver(message: MessageFrame): void {
    if (!this.sequencer.accept(message)) return;
    const { type: _type, ...fields } = message;
    this.emitter.emit("message", fields);
  }

  private onErrorFrame(code: string, message: string, id: string | undefined): void {
    const error = new RoomClientError(code, message, id);
    if (id !== undefined && (this.tokens.answered(id, error) || this.outbox.fail(id, error))) return;
    // Which frame was dropped is not said; unacked publishes are resent (same ids: no duplicates).
    if (code === ErrorCode.rateLimited) this.outbox.resendAllSoon();
    this.emitter.emit("error", error);
  }

  private sendFrame(frame: ClientFrame): boolean {
    return this.sendText(JSON.stringify(frame));
  }

  /** Frames go out only on a welcomed link: before the welcome the room may still refuse it. */
  private sendText(text: string): boolean {
    return this.welcomed && this.link.send(text);
  }
}
