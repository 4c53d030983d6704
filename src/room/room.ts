/**
 * @module room
 * The room Durable Object: holds a room's sockets with the Hibernation API, sequences and
 * stores text messages, relays frames, tracks presence and topics, and enforces limits and
 * close codes (SPEC §1–§4, §6–§7). Per-socket state lives in attachments (socket-state);
 * everything else lives in SQLite. Memory holds only caches and short timers.
 */
import { DurableObject } from "cloudflare:workers";
import { configFrom, type Config } from "../config";
import type { Env } from "../env";
import { readIdentity, type ConnectionIdentity } from "../identity";
import { log } from "../log";
import { CloseCode } from "../shared/close-codes";
import { ErrorCode, decodeClientFrame, encodeAck, encodeError, encodeHistoryItem, encodePong, encodeWelcome, type ClientFrame, type StoredMessage } from "../shared/protocol";
import { TokenBucket } from "../shared/rate-limiter";
import { MAX_TOPIC_LENGTH, isValidTopic, parseTopicList } from "../shared/topics";
import { utf8ByteLength } from "../shared/utf8";
import { refuseUpgrade } from "../refuse-upgrade";
import { closeReplyFor } from "./close-reply";
import { TokenExpiry } from "./token-expiry";
import { UsedTickets } from "./used-tickets";
import { newConnectionId } from "./connection-id";
import { Delivery } from "./delivery";
import { History } from "./history";
import { MAX_MEMBERS_IN_WELCOME, PRESENCE_FLUSH_MS, PresenceBatch, encodePresenceDiff, memberOf, usersOf, type Member } from "./presence";
import { PublishIds } from "./publish-ids";
import { resumePlan } from "./resume";
import { RoomStats, type Counters, type RecentClose } from "./room-stats";
import { closeQuietly } from "./socket-io";
import { readSocketState, writeSocketState, type SocketState } from "./socket-state";
import { applySubscribe, applyUnsubscribe } from "./subscriptions";
import { TopicSnapshots } from "./topic-snapshots";
import { Batcher } from "./batcher";
import { DEFAULT_POLICY, policyFor, type RoomPolicy } from "../room-policies";

/** Runtime auto-response for the text heartbeat (SPEC §3): answered without waking the room. */
const HEARTBEAT_REQUEST = "ping";
const HEARTBEAT_RESPONSE = "pong";
/** WebSocket.readyState of an open socket. */
const READY_STATE_OPEN = 1;
/** Most history messages one HTTP read returns. */
export const HISTORY_PAGE_MAX_MESSAGES = 1000;
/** Sender id of messages published through the HTTP API. */
export const API_SENDER = "api";

export interface PublishRequest {
  room: string;
  data: unknown;
  topic?: string;
}

export interface RoomInfo {
  room: string;
  epoch: string;
  seq: number;
  connections: number;
  users: number;
  members: Member[];
  counters: Counters;
  recentCloses: RecentClose[];
}

type Capability = "publish" | "subscribe" | "presence" | "direct";

export class Room extends DurableObject<Env> {
  private readonly config: Config;
  private history!: History;
  private snapshots!: TopicSnapshots;
  private publishIds!: PublishIds;
  private stats!: RoomStats;
  private tickets!: UsedTickets;
  private readonly expiry: TokenExpiry;
  private readonly delivery: Delivery;
  /**
   * Rate buckets are kept in memory only: a socket hibernates only after ~10 s without
   * messages, by which time its bucket is full and its drop window (10 s) is empty, so a fresh
   * bucket after waking is exactly the state that was lost.
   */
  private readonly buckets = new WeakMap<WebSocket, TokenBucket>();
  private readonly departed = new WeakSet<WebSocket>();
  private readonly presence = new PresenceBatch();
  private presenceTimer: ReturnType<typeof setTimeout> | undefined;
  private roomName = "";
  private policy: RoomPolicy = DEFAULT_POLICY;
  /** Present when the room's policy batches v1 deliveries (batchMs > 0). */
  private batcher: Batcher | undefined;
  /** The History's view of the limits: the room's policy may override the global ones. */
  private readonly historyLimits: { historyMaxMessages: number; historyMaxAgeSeconds: number };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = configFrom(env);
    this.historyLimits = { historyMaxMessages: this.config.limits.historyMaxMessages, historyMaxAgeSeconds: this.config.limits.historyMaxAgeSeconds };
    this.openStorage();
    this.delivery = new Delivery((ws, state) => this.sendFailed(ws, state));
    this.expiry = new TokenExpiry(ctx.storage);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT_REQUEST, HEARTBEAT_RESPONSE));
    // A wake with sockets already attached means the object hibernated or was evicted.
    log("wake", { room: this.roomName, connections: ctx.getWebSockets().length });
  }

  private openStorage(): void {
    const sql = this.ctx.storage.sql;
    this.history = new History(sql, this.historyLimits);
    this.snapshots = new TopicSnapshots(sql);
    this.publishIds = new PublishIds(sql);
    this.stats = new RoomStats(sql);
    this.tickets = new UsedTickets(sql);
    const stored = this.history.getMeta("room");
    if (stored) this.applyPolicy(stored);
  }

  private rememberRoom(name: string): void {
    if (this.roomName === name) return;
    this.applyPolicy(name);
    this.history.setMeta("room", name);
  }

  /** The first ROOM_POLICIES entry matching the room decides batching, limits and rights. */
  private applyPolicy(name: string): void {
    this.roomName = name;
    this.policy = policyFor(this.config.policies, name);
    this.historyLimits.historyMaxMessages = this.policy.historyMaxMessages ?? this.config.limits.historyMaxMessages;
    this.batcher?.cancel();
    this.batcher = this.policy.batchMs > 0 ? new Batcher(this.policy.batchMs, this.policy.conflate, () => this.flushBatch()) : undefined;
  }

  private get maxConnections(): number {
    return this.policy.maxConnections ?? this.config.limits.maxConnectionsPerRoom;
  }

  /** Open sockets with their states; closing ones and foreign attachments are left out. */
  private *openSockets(tag?: string): Generator<[WebSocket, SocketState]> {
    for (const ws of this.ctx.getWebSockets(tag)) {
      if (ws.readyState !== READY_STATE_OPEN) continue;
      const state = readSocketState(ws);
      if (state) yield [ws, state];
    }
  }

  private currentUsers(): Set<string> {
    const users = new Set<string>();
    for (const [, state] of this.openSockets()) if (state.userId) users.add(state.userId);
    return users;
  }

  // ── connections ────────────────────────────────────────────────────────────

  override async fetch(request: Request): Promise<Response> {
    const identity = readIdentity(request.headers);
    if (!identity || request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ error: { code: "bad_request", message: "rooms accept WebSocket upgrades from the Worker only" } }, { status: 400 });
    }
    this.rememberRoom(identity.room);
    const url = new URL(request.url);
    const refusal = this.refusalFor(identity);
    if (refusal) {
      this.stats.recordClose(refusal, Date.now());
      log("reject", { room: identity.room, code: refusal.code, reason: refusal.reason });
      return refuseUpgrade(refusal.code, refusal.reason, identity.subprotocol);
    }
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    const headers = identity.subprotocol ? { "Sec-WebSocket-Protocol": identity.subprotocol } : undefined;

    const state = this.newSocketState(identity, url);
    this.presence.begin(() => this.currentUsers());
    this.ctx.acceptWebSocket(server, [state.id]);
    writeSocketState(server, state);
    this.stats.countConnection();
    log("connect", { room: identity.room, connectionId: state.id });

    const plan = resumePlan(url.searchParams, this.history, state.topics, Date.now());
    if (state.mode === "v1") server.send(this.welcomeFor(state, plan));
    if (plan?.recovered) for (const message of plan.messages) this.delivery.deliver(server, state, message);
    else this.sendSnapshots(server, state, state.topics);
    this.presence.join(memberOf(state));
    this.schedulePresenceFlush();
    if (state.tokenExpiresAtMs !== undefined) await this.expiry.watch(state.tokenExpiresAtMs);
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  /** Capacity (1013) and single-use tickets (4001) are the room's to decide. */
  private refusalFor(identity: ConnectionIdentity): { code: number; reason: string } | undefined {
    if (this.ctx.getWebSockets().length >= this.maxConnections) return { code: CloseCode.tryAgainLater, reason: "room is full" };
    if (identity.ticketId && !this.tickets.redeem(identity.ticketId, identity.ticketExpiresAtMs ?? Date.now(), Date.now())) {
      return { code: CloseCode.unauthorized, reason: "ticket already used" };
    }
    return undefined;
  }

  /** Alarm: closes connections whose token expired (works across hibernation). */
  override async alarm(): Promise<void> {
    await this.expiry.closeExpired(this.openSockets(), Date.now());
  }

  private newSocketState(identity: ConnectionIdentity, url: URL): SocketState {
    const faultsAllowed = this.env.FAULT_INJECTION === "on" && this.config.authMode === "open";
    return {
      v: 1,
      id: newConnectionId(),
      mode: identity.mode,
      echo: url.searchParams.get("echo") === "1",
      topics: parseTopicList(url.searchParams.get("topics")),
      userId: identity.userId,
      capabilities: identity.capabilities,
      tokenExpiresAtMs: identity.tokenExpiresAtMs,
      connectedAtMs: Date.now(),
      ...(faultsAllowed && url.searchParams.get("fault") === "send" ? { faultSend: true } : {}),
    };
  }

  private welcomeFor(state: SocketState, plan: ReturnType<typeof resumePlan>): string {
    const members: Member[] = [];
    const states: SocketState[] = [];
    for (const [, peer] of this.openSockets()) {
      states.push(peer);
      if (members.length < MAX_MEMBERS_IN_WELCOME) members.push(memberOf(peer));
    }
    return encodeWelcome({
      room: this.roomName,
      connectionId: state.id,
      ...(state.userId ? { userId: state.userId } : {}),
      epoch: this.history.epoch,
      seq: this.history.seq,
      ...(plan ? { recovered: plan.recovered, missed: plan.recovered ? plan.messages.length : undefined } : {}),
      members,
      memberCount: states.length,
      users: usersOf(states),
      limits: { ...this.config.limits },
    });
  }

  private sendSnapshots(ws: WebSocket, state: SocketState, filters: readonly string[]): void {
    if (filters.length === 0) return;
    for (const message of this.snapshots.matching(filters)) this.delivery.deliver(ws, state, message, true);
  }

  // ── hibernation handlers ───────────────────────────────────────────────────

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const state = readSocketState(ws);
    if (!state) {
      closeQuietly(ws, CloseCode.internalError, "connection state lost");
      return;
    }
    try {
      this.onMessage(ws, state, message);
    } catch (error) {
      log("error", { room: this.roomName, connectionId: state.id, code: CloseCode.internalError, errorName: (error as Error)?.name });
      closeQuietly(ws, CloseCode.internalError, "internal error");
    }
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string, wasClean: boolean): void {
    this.depart(ws, code, reason);
    const reply = closeReplyFor(code, reason, wasClean);
    if (reply.kind === "echo") closeQuietly(ws, reply.code, reply.reason);
    else if (reply.kind === "empty") closeQuietly(ws);
  }

  override webSocketError(ws: WebSocket, error: unknown): void {
    log("error", { room: this.roomName, connectionId: readSocketState(ws)?.id, errorName: (error as Error)?.name });
    this.depart(ws, CloseCode.internalError, "socket error");
    closeQuietly(ws, CloseCode.internalError, "socket error");
  }

  /** Records a socket's departure once: stats, presence `left`, log. */
  private depart(ws: WebSocket, code: number, reason: string): void {
    if (this.departed.has(ws)) return;
    this.departed.add(ws);
    const state = readSocketState(ws);
    // The runtime marks the socket closing before this handler runs, so add its user back:
    // "before" must be the user set while this connection was still here.
    this.presence.begin(() => {
      const users = this.currentUsers();
      if (state?.userId) users.add(state.userId);
      return users;
    });
    this.stats.recordClose({ connectionId: state?.id, code, reason }, Date.now());
    log("close", { room: this.roomName, connectionId: state?.id, code });
    if (state) {
      this.presence.leave(state.id);
      this.schedulePresenceFlush();
    }
  }

  private schedulePresenceFlush(): void {
    this.presenceTimer ??= setTimeout(() => this.flushPresence(), PRESENCE_FLUSH_MS);
  }

  private flushPresence(): void {
    this.presenceTimer = undefined;
    if (this.presence.isEmpty) return;
    const frame = encodePresenceDiff(this.presence.take(this.currentUsers()));
    for (const [ws, state] of this.openSockets()) if (state.mode === "v1") this.delivery.send(ws, state, frame);
  }

  // ── messages ───────────────────────────────────────────────────────────────

  private onMessage(ws: WebSocket, state: SocketState, message: string | ArrayBuffer): void {
    const { maxMessageBytes } = this.config.limits;
    const bytes = messageBytes(message, maxMessageBytes);
    this.stats.countIn(bytes);
    if (bytes > maxMessageBytes) {
      closeQuietly(ws, CloseCode.messageTooBig, `message over ${maxMessageBytes} bytes`);
      return;
    }
    const decision = this.bucketFor(ws).take(Date.now());
    if (decision === "close") {
      closeQuietly(ws, CloseCode.policyViolation, "rate limit exceeded");
      return;
    }
    if (decision === "drop") {
      if (state.mode === "v1") this.delivery.send(ws, state, encodeError(ErrorCode.rateLimited, "rate limit exceeded: frame dropped"));
      return;
    }
    if (typeof message !== "string") {
      if (this.policy.binary === "deny") closeQuietly(ws, CloseCode.unsupportedData, "binary frames are not allowed in this room");
      else this.stats.countOut(...this.delivery.relayBinary(this.openSockets(), state, message));
      return;
    }
    if (state.mode === "raw") {
      // Raw connections have no error frames: a refused publish is dropped.
      if (this.refuse(ws, state, "publish") || !this.policy.clientPublish) return;
      this.publish({ from: state.id, dataJson: JSON.stringify(message) }, state);
      return;
    }
    const decoded = decodeClientFrame(message);
    if (decoded.ok) this.onV1Frame(ws, state, decoded.frame);
    else if (decoded.kind === "invalid") closeQuietly(ws, CloseCode.invalidPayload, decoded.reason);
    else this.delivery.send(ws, state, encodeError(ErrorCode.unknownType, `unknown frame type "${decoded.type.slice(0, 64)}"`, decoded.id));
  }

  private onV1Frame(ws: WebSocket, state: SocketState, frame: ClientFrame): void {
    switch (frame.type) {
      case "publish":
        return this.onPublish(ws, state, frame);
      case "direct":
        return this.onDirect(ws, state, frame);
      case "subscribe":
      case "unsubscribe":
        return this.onSubscription(ws, state, frame);
      case "presence":
        return this.onPresence(ws, state, frame.state);
      case "ping":
        this.delivery.send(ws, state, encodePong(frame.id));
        return;
    }
  }

  /** Sends error `forbidden` when the connection's token lacks `capability`. */
  private refuse(ws: WebSocket, state: SocketState, capability: Capability, id?: string): boolean {
    if (!state.capabilities || state.capabilities.includes(capability)) return false;
    if (state.mode === "v1") this.delivery.send(ws, state, encodeError(ErrorCode.forbidden, `token does not allow ${capability}`, id));
    return true;
  }

  private onPublish(ws: WebSocket, state: SocketState, frame: Extract<ClientFrame, { type: "publish" }>): void {
    if (this.refuse(ws, state, "publish", frame.id)) return;
    if (!this.policy.clientPublish) {
      this.delivery.send(ws, state, encodeError(ErrorCode.forbidden, "only the HTTP API publishes in this room", frame.id));
      return;
    }
    if (frame.topic !== undefined && !isValidTopic(frame.topic)) {
      this.delivery.send(ws, state, encodeError(ErrorCode.badRequest, `topic must be 1–${MAX_TOPIC_LENGTH} characters`, frame.id));
      return;
    }
    const nowMs = Date.now();
    const key = frame.id === undefined ? undefined : `${state.userId ?? ""}\u0000${frame.id}`;
    const seenSeq = key === undefined ? undefined : this.publishIds.seqFor(key, nowMs);
    if (seenSeq !== undefined) {
      this.delivery.send(ws, state, encodeAck(frame.id!, seenSeq));
      return;
    }
    const message = this.publish({ from: state.id, topic: frame.topic, dataJson: JSON.stringify(frame.data) }, state);
    if (key !== undefined) {
      this.publishIds.remember(key, message.seq, nowMs);
      this.delivery.send(ws, state, encodeAck(frame.id!, message.seq));
    }
  }

  private onDirect(ws: WebSocket, state: SocketState, frame: Extract<ClientFrame, { type: "direct" }>): void {
    if (this.refuse(ws, state, "direct", frame.id)) return;
    const [target] = this.openSockets(frame.to);
    if (!target) {
      this.delivery.send(ws, state, encodeError(ErrorCode.notFound, "no such connection in this room", frame.id));
      return;
    }
    const dataJson = JSON.stringify(frame.data);
    this.delivery.direct(target[0], target[1], state.id, dataJson, Date.now());
    if (frame.id !== undefined) this.delivery.send(ws, state, encodeAck(frame.id));
  }

  private onSubscription(ws: WebSocket, state: SocketState, frame: Extract<ClientFrame, { type: "subscribe" | "unsubscribe" }>): void {
    if (this.refuse(ws, state, "subscribe")) return;
    const result = frame.type === "subscribe" ? applySubscribe(state.topics, frame.topics) : applyUnsubscribe(state.topics, frame.topics);
    if (!result.ok) {
      this.delivery.send(ws, state, encodeError(ErrorCode.badRequest, result.message));
      return;
    }
    const next = { ...state, topics: result.topics };
    writeSocketState(ws, next);
    if (frame.type === "subscribe") this.sendSnapshots(ws, next, result.added);
  }

  private onPresence(ws: WebSocket, state: SocketState, presence: unknown): void {
    if (this.refuse(ws, state, "presence")) return;
    const bytes = utf8ByteLength(JSON.stringify(presence) ?? "");
    if (bytes > this.config.limits.presenceStateMaxBytes) {
      this.delivery.send(ws, state, encodeError(ErrorCode.badRequest, `presence state is over ${this.config.limits.presenceStateMaxBytes} bytes`));
      return;
    }
    const next = { ...state, presence };
    writeSocketState(ws, next);
    this.presence.begin(() => this.currentUsers());
    this.presence.update(memberOf(next));
    this.schedulePresenceFlush();
  }

  private bucketFor(ws: WebSocket): TokenBucket {
    let bucket = this.buckets.get(ws);
    if (!bucket) {
      bucket = new TokenBucket(this.config.limits.rateLimitMessagesPerSecond, Date.now());
      this.buckets.set(ws, bucket);
    }
    return bucket;
  }

  /** Sequences, stores and fans out one message; `sender` is skipped unless it asked for echo. */
  private publish(input: { from: string; topic?: string; dataJson: string }, sender?: SocketState): StoredMessage {
    const message = this.history.append(input, Date.now());
    this.snapshots.remember(message);
    // With batching, v1 connections get the message in the next batch frame; raw ones now.
    this.stats.countOut(...this.delivery.fanOut(this.openSockets(), message, sender, this.batcher === undefined));
    this.batcher?.add(message, sender?.id);
    return message;
  }

  private flushBatch(): void {
    if (!this.batcher) return;
    let count = 0;
    let bytes = 0;
    for (const [ws, state, frame] of this.batcher.take(this.openSockets())) {
      if (this.delivery.send(ws, state, frame)) {
        count++;
        bytes += frame.length;
      }
    }
    this.stats.countOut(count, bytes);
  }

  private sendFailed(ws: WebSocket, state: SocketState): void {
    log("error", { room: this.roomName, connectionId: state.id, code: CloseCode.internalError, reason: "send failed" });
    closeQuietly(ws, CloseCode.internalError, "send failed");
  }

  // ── RPC from the Worker ────────────────────────────────────────────────────

  async publishFromApi(request: PublishRequest): Promise<{ seq: number }> {
    this.rememberRoom(request.room);
    const dataJson = JSON.stringify(request.data);
    this.stats.countIn(utf8ByteLength(dataJson));
    return { seq: this.publish({ from: API_SENDER, topic: request.topic, dataJson }).seq };
  }

  /** History as JSON text: data is spliced in from storage, never parsed and re-serialized. */
  async readHistory(since: number, limit: number): Promise<string> {
    const messages = this.history.since(since, Math.min(limit, HISTORY_PAGE_MAX_MESSAGES), Date.now());
    const items = messages.map((message) => encodeHistoryItem(message)).join(",");
    return `{"epoch":${JSON.stringify(this.history.epoch)},"seq":${this.history.seq},"messages":[${items}]}`;
  }

  async info(room: string): Promise<RoomInfo> {
    this.rememberRoom(room);
    const states = [...this.openSockets()].map(([, state]) => state);
    return {
      room,
      epoch: this.history.epoch,
      seq: this.history.seq,
      connections: states.length,
      users: usersOf(states).length,
      members: states.slice(0, MAX_MEMBERS_IN_WELCOME).map(memberOf),
      counters: this.stats.counters,
      recentCloses: this.stats.recentCloses(),
    };
  }

  /** Closes one connection with 4009; false when no open connection has that id. */
  async kick(connectionId: string): Promise<boolean> {
    const [target] = this.openSockets(connectionId);
    if (!target) return false;
    closeQuietly(target[0], CloseCode.kicked, "kicked");
    return true;
  }

  /** Closes every socket with 1001 and wipes storage; the room starts over with a new epoch. */
  async deleteRoom(): Promise<{ epoch: string }> {
    for (const ws of this.ctx.getWebSockets()) closeQuietly(ws, CloseCode.goingAway, "room deleted");
    if (this.presenceTimer !== undefined) clearTimeout(this.presenceTimer);
    this.presenceTimer = undefined;
    this.presence.take(new Set());
    this.batcher?.cancel();
    await this.ctx.storage.deleteAll();
    this.openStorage();
    return { epoch: this.history.epoch };
  }
}

/** Size in bytes, counted in UTF-8 for text; a text longer than the limit in UTF-16 units is over it anyway. */
function messageBytes(message: string | ArrayBuffer, maxBytes: number): number {
  if (typeof message !== "string") return message.byteLength;
  if (message.length > maxBytes) return message.length;
  return utf8ByteLength(message);
}
