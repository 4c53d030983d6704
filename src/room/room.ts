/**
 * @module room
 * The room Durable Object: holds a room's sockets with the Hibernation API, sequences and
 * stores text messages, relays frames, tracks presence and topics, and enforces limits and
 * close codes (docs/protocol.md §1–§4, §6–§7). Per-socket state lives in attachments (socket-state);
 * everything else lives in SQLite. Memory holds only caches and short timers.
 *
 * One class plays three roles, chosen by name and ROOM_POLICIES: a whole room; the primary of a
 * sharded room (named after the room: sequences, holds no sockets, see sharded-primary.ts); or
 * a shard `<room>#n` (holds sockets, forwards publishes to the primary). Client frames are
 * handled in client-frames.ts through the public host hooks below; every publish goes through
 * the group-commit pipeline (pipeline.ts), whose reply order keeps every answer behind the
 * publishes that came before it. The hooks and the RPC methods are reachable only through
 * stubs, which only the Worker and sibling objects hold.
 */
import { DurableObject } from "cloudflare:workers";
import { configFrom, type Config } from "../config";
import type { Env } from "../env";
import { readIdentity, type ConnectionIdentity } from "../identity";
import { log } from "../log";
import { CloseCode } from "../shared/close-codes";
import { encodeHistoryItem, type StoredMessage } from "../shared/protocol";
import { PUBLISH_SCOPE_PARAM, readPublishScope } from "../shared/publish-scope";
import { parseTopicList } from "../shared/topics";
import { utf8ByteLength } from "../shared/utf8";
import { refuseUpgrade } from "../refuse-upgrade";
import { closeReplyFor } from "./close-reply";
import { TokenExpiry } from "./token-expiry";
import { UsedTickets } from "./used-tickets";
import { newConnectionId } from "./connection-id";
import { Delivery } from "./delivery";
import { History } from "./history";
import { MAX_MEMBERS_IN_WELCOME, PresenceBatch, encodePresenceDiff, memberOf, usersOf, type Member } from "./presence";
import { DEFAULT_PRESENCE_LIST_MAX_MEMBERS } from "../shared/limits";
import { PresenceModeTracker, encodePresenceCounts, encodePresenceList, type PresenceCounts } from "./presence-mode";
import { PublishIds } from "./publish-ids";
import { Pipeline, apiItem, type ApiMessage, type BatchEntryResult } from "./pipeline";
import { resumePlan } from "./resume";
import { RoomStats, combineStats, type Counters, type RecentClose } from "./room-stats";
import { closeQuietly } from "./socket-io";
import { readSocketState, socketStateProblem, writeSocketState, type SocketState } from "./socket-state";
import { TopicSnapshots } from "./topic-snapshots";
import { Batcher } from "./batcher";
import { welcomeFrame, type RoomView } from "./welcome";
import { ClientFrames } from "./client-frames";
import { PrimaryLink } from "./primary-link";
import { BinaryLink } from "./binary-link";
import { ShardedPrimary } from "./sharded-primary";
import { messageStream, readMessageStream } from "./message-stream";
import { attachResultFromWire, attachResultToWire, shardObjectName, type AttachResultOnWire, type AttachRequest, type AttachResult, type BinaryFrame, type SequenceItem, type ShardEvent, type ShardStats } from "./shard-protocol";
import { DEFAULT_POLICY, policyFor, type RoomPolicy } from "../room-policies";

/** Runtime auto-response for the text heartbeat (docs/protocol.md §3): answered without waking the room. */
const HEARTBEAT_REQUEST = "ping";
const HEARTBEAT_RESPONSE = "pong";
/** WebSocket.readyState of an open socket. */
const READY_STATE_OPEN = 1;
/**
 * The capacity check trusts the room's running socket count while it is this far below the
 * limit, and counts the runtime's socket list (O(connections) per connect) only closer to it.
 */
const CAPACITY_EXACT_CHECK_MARGIN = 64;
/** ...and recounts it anyway once per this many connects, so no drift can build up unseen. */
const CAPACITY_RECOUNT_EVERY_CONNECTS = 256;
/** Most history messages one HTTP read returns. */
export const HISTORY_PAGE_MAX_MESSAGES = 1000;
/** Close reason when a shard cannot reach its primary while a connection is being set up. */
const PRIMARY_UNAVAILABLE_REASON = "room unavailable, try again later";

export interface PublishRequest extends ApiMessage {
  room: string;
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
  /** Sharded rooms only: open connections per shard. */
  shards?: number[];
}

export class Room extends DurableObject<Env> {
  readonly config: Config;
  private history!: History;
  private snapshots!: TopicSnapshots;
  private publishIds!: PublishIds;
  stats!: RoomStats;
  private tickets!: UsedTickets;
  private readonly expiry: TokenExpiry;
  readonly delivery: Delivery;
  readonly pipeline: Pipeline;
  private readonly frames = new ClientFrames(this);
  private readonly departed = new WeakSet<WebSocket>();
  private readonly presence = new PresenceBatch();
  /** Lists or counts (presence-mode.ts), by the policy's presenceListMaxMembers. */
  private presenceMode = new PresenceModeTracker(DEFAULT_PRESENCE_LIST_MAX_MEMBERS);
  private presenceTimer: ReturnType<typeof setTimeout> | undefined;
  private roomName = "";
  policy: RoomPolicy = DEFAULT_POLICY;
  /** Present when the room's policy batches v1 deliveries (batchMs > 0). */
  private batcher: Batcher | undefined;
  /** Set when this object is one shard of a sharded room: its sockets' publishes go to the primary. */
  private shardIndex: number | undefined;
  private primaryLink: PrimaryLink | undefined;
  private binaryLink: BinaryLink | undefined;
  /** Set when this object is the primary of a sharded room (policy shards > 1). */
  private primary: ShardedPrimary | undefined;
  /** Shard only: messages for connections still being attached, sent once their replay is out. */
  private readonly pendingAttach = new Map<string, StoredMessage[]>();
  /** Sockets accepted minus departed in this isolate; counted from the runtime's list when first needed. */
  private socketCount: number | undefined;
  private connectsSinceRecount = 0;
  /** Open v1 sockets of this (unsharded) room, presence frames' only audience; counted when first needed. */
  private v1Sockets: number | undefined;
  /** The History's view of the limits: the room's policy may override the global ones. */
  private readonly historyLimits: { historyMaxMessages: number; historyMaxAgeSeconds: number };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = configFrom(env);
    this.historyLimits = { historyMaxMessages: this.config.limits.historyMaxMessages, historyMaxAgeSeconds: this.config.limits.historyMaxAgeSeconds };
    this.openStorage();
    this.pipeline = new Pipeline({
      storage: ctx.storage,
      stores: () => ({ history: this.history, snapshots: this.snapshots, publishIds: this.publishIds }),
      primaryLink: () => this.primaryLink,
      deliver: (message) => (this.primary ? this.primary.relay(message) : this.deliverLocally(message)),
      writeAlong: () => this.stats.flushIfDirty(),
      room: () => this.roomName,
    });
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
    this.stats = new RoomStats(sql, () => this.pipeline.writeSoon());
    this.tickets = new UsedTickets(sql);
    const shard = this.history.getMeta("shard");
    this.shardIndex = shard === undefined ? undefined : Number(shard);
    const stored = this.history.getMeta("room");
    if (stored) this.applyPolicy(stored);
  }

  private rememberRoom(name: string, shard?: number): void {
    if (shard !== undefined && this.shardIndex !== shard) {
      this.shardIndex = shard;
      this.history.setMeta("shard", String(shard));
      this.roomName = "";
    }
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
    this.presenceMode = new PresenceModeTracker(this.presenceListMaxMembers);
    this.primary?.cancel();
    this.primary = undefined;
    this.primaryLink = undefined;
    this.binaryLink = undefined;
    if (this.shardIndex !== undefined) {
      this.primaryLink = new PrimaryLink(() => this.primaryStub(), () => this.roomName);
      this.binaryLink = new BinaryLink(() => this.primaryStub(), () => this.roomName);
    }
    else if (this.policy.shards > 1) {
      const stores = { history: this.history, snapshots: this.snapshots, sql: this.ctx.storage.sql };
      this.primary = new ShardedPrimary(stores, this.policy.shards, (index) => this.shardStub(index), () => this.roomName, this.presenceListMaxMembers);
    }
  }

  private primaryStub() {
    return this.env.ROOMS.get(this.env.ROOMS.idFromName(this.roomName));
  }

  private shardStub(index: number) {
    return this.env.ROOMS.get(this.env.ROOMS.idFromName(shardObjectName(this.roomName, index)));
  }

  private get presenceListMaxMembers(): number {
    return this.policy.presenceListMaxMembers ?? DEFAULT_PRESENCE_LIST_MAX_MEMBERS;
  }

  /** Per object: a shard holds its share of the room's connections. */
  private get maxConnections(): number {
    const total = this.policy.maxConnections ?? this.config.limits.maxConnectionsPerRoom;
    return this.shardIndex === undefined ? total : Math.ceil(total / this.policy.shards);
  }

  /** Shards: a message waits for a connection being attached and never goes below its replay point. */
  private readonly shardSkip = (state: SocketState, message: StoredMessage): boolean => {
    const pending = this.pendingAttach.get(state.id);
    if (pending) {
      pending.push(message);
      return true;
    }
    return state.floorSeq !== undefined && message.seq <= state.floorSeq;
  };

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
    this.rememberRoom(identity.room, identity.shard);
    const url = new URL(request.url);
    const state = this.newSocketState(identity, url);
    // The Worker already answered 400 for `?topics=` over budget; this backstop covers any caller.
    const oversized = socketStateProblem(state);
    if (oversized) return Response.json({ error: { code: "bad_request", message: oversized } }, { status: 400 });
    const refusal = await this.refusalFor(identity);
    if (refusal) {
      this.stats.recordClose(refusal, Date.now());
      log("reject", { room: identity.room, code: refusal.code, reason: refusal.reason });
      return refuseUpgrade(refusal.code, refusal.reason, identity.subprotocol);
    }
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    const headers = identity.subprotocol ? { "Sec-WebSocket-Protocol": identity.subprotocol } : undefined;

    if (this.primaryLink) {
      await this.attachToPrimary(server, state, url);
      return new Response(null, { status: 101, webSocket: client, headers });
    }
    // Only v1 sockets get presence frames: with none in the room, a raw join is announced to nobody.
    const announce = state.mode === "v1" || this.presenceWanted();
    // A counting room keeps no diff, so it skips the scan of every socket that `begin` makes.
    const listing = announce && this.presenceMode.current !== "counts";
    if (listing) this.presence.begin(() => this.currentUsers());
    this.ctx.acceptWebSocket(server, [state.id]);
    this.countSocket(1);
    if (state.mode === "v1" && this.v1Sockets !== undefined) this.v1Sockets++;
    writeSocketState(server, state);
    this.stats.countConnection();
    log("connect", { room: identity.room, connectionId: state.id });

    const plan = resumePlan(url.searchParams, this.history, state.topics, Date.now(), this.pipeline.deliveredSeq);
    if (state.mode === "v1") server.send(welcomeFrame(this.roomName, state, this.localView(plan), this.config.limits));
    if (plan?.recovered) for (const message of plan.messages) this.delivery.deliver(server, state, message);
    else this.sendSnapshots(server, state, state.topics);
    if (announce) {
      if (listing) this.presence.join(memberOf(state));
      else this.presenceMode.unrecordedChange();
      this.schedulePresenceFlush();
    }
    if (state.tokenExpiresAtMs !== undefined) await this.expiry.watch(state.tokenExpiresAtMs);
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  /**
   * Whether the room holds maxConnections sockets. Far below the limit the running count decides
   * without listing every socket; near it the runtime's list does (sockets still closing count).
   */
  private isFull(): boolean {
    const recount = this.socketCount === undefined || ++this.connectsSinceRecount >= CAPACITY_RECOUNT_EVERY_CONNECTS;
    if (!recount && this.socketCount! + CAPACITY_EXACT_CHECK_MARGIN < this.maxConnections) return false;
    this.connectsSinceRecount = 0;
    this.socketCount = this.ctx.getWebSockets().length;
    return this.socketCount >= this.maxConnections;
  }

  /** Keeps the running socket count (isFull) in step with accept and depart. */
  private countSocket(delta: 1 | -1): void {
    if (this.socketCount !== undefined) this.socketCount += delta;
  }

  /**
   * Whether a presence change must be batched: some v1 socket is open to hear it, or a batch is
   * already collecting (it must stay consistent for whoever hears it when it flushes).
   */
  private presenceWanted(): boolean {
    if (!this.presence.isEmpty) return true;
    if (this.v1Sockets === undefined) {
      let count = 0;
      for (const [, peer] of this.openSockets()) if (peer.mode === "v1") count++;
      this.v1Sockets = count;
    }
    return this.v1Sockets > 0;
  }

  /** Capacity (1013) and single-use tickets (4001) are the room's to decide. */
  private async refusalFor(identity: ConnectionIdentity): Promise<{ code: number; reason: string } | undefined> {
    if (this.isFull()) return { code: CloseCode.tryAgainLater, reason: "room is full" };
    if (identity.ticketId) {
      const ticketId = identity.ticketId;
      const expiresAtMs = identity.ticketExpiresAtMs ?? Date.now();
      // Single use is the primary's to decide in a sharded room: tickets may land on any shard.
      const fresh = this.primaryLink
        ? await this.askPrimaryDuringUpgrade(() => this.primaryStub().redeemTicket(this.roomName, ticketId, expiresAtMs))
        : this.tickets.redeem(ticketId, expiresAtMs, Date.now());
      if (fresh === undefined) return { code: CloseCode.tryAgainLater, reason: PRIMARY_UNAVAILABLE_REASON };
      if (!fresh) return { code: CloseCode.unauthorized, reason: "ticket already used" };
    }
    return undefined;
  }

  /**
   * Every call a shard makes to its primary while a connection is being set up goes through
   * here: a primary that fails (overloaded, restarting, unreachable) is transient, so the
   * connection is upgraded and then closed with 1013 (docs/protocol.md §4), never answered with HTTP 500,
   * which a browser sees as 1006 and retries at once. undefined means the primary failed.
   */
  private async askPrimaryDuringUpgrade<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      log("error", { room: this.roomName, code: CloseCode.tryAgainLater, where: "Room.askPrimaryDuringUpgrade", error, reason: "primary unavailable" });
      return undefined;
    }
  }

  /**
   * Shard: accepts the socket, registers it with the primary, then sends welcome and replay. Live
   * messages that arrive meanwhile wait in `pendingAttach`; anything at or below the seq the
   * primary reported was in the replay (or is older), so `floorSeq` keeps it from coming twice.
   */
  private async attachToPrimary(server: WebSocket, state: SocketState, url: URL): Promise<void> {
    this.ctx.acceptWebSocket(server, [state.id]);
    this.countSocket(1);
    writeSocketState(server, state);
    this.pendingAttach.set(state.id, []);
    this.stats.countConnection();
    log("connect", { room: this.roomName, connectionId: state.id });
    const request: AttachRequest = { room: this.roomName, shard: this.shardIndex!, member: memberOf(state), since: url.searchParams.get("since"), epoch: url.searchParams.get("epoch"), topics: state.topics };
    if (this.faultsAllowed && url.searchParams.get("fault") === "primary") request.fault = "primary";
    // The stub's inferred type turns a result holding a stream into `never`; the runtime carries it.
    const onWire = () => this.primaryStub().attachConnection(request) as unknown as Promise<AttachResultOnWire>;
    const attached = await this.askPrimaryDuringUpgrade<AttachResult>(() => onWire().then(attachResultFromWire));
    if (!attached) {
      this.pendingAttach.delete(state.id);
      closeQuietly(server, CloseCode.tryAgainLater, PRIMARY_UNAVAILABLE_REASON);
      return;
    }
    const waiting = this.pendingAttach.get(state.id) ?? [];
    const fresh = waiting.filter((message) => message.seq > attached.seq);
    // The floor covers what this connection gets here, so a batch flushed later cannot repeat it.
    const ready: SocketState = { ...state, floorSeq: Math.max(attached.seq, ...fresh.map((message) => message.seq)) };
    writeSocketState(server, ready);
    if (ready.mode === "v1") {
      server.send(welcomeFrame(this.roomName, ready, { ...attached, missed: attached.replay.length }, this.config.limits));
    }
    for (const message of attached.replay) this.delivery.deliver(server, ready, message);
    for (const message of attached.snapshots) this.delivery.deliver(server, ready, message, true);
    this.pendingAttach.delete(ready.id);
    for (const message of fresh) this.delivery.deliver(server, ready, message);
    if (ready.tokenExpiresAtMs !== undefined) await this.expiry.watch(ready.tokenExpiresAtMs);
  }

  /** Alarm: closes connections whose token expired (works across hibernation). */
  override async alarm(): Promise<void> {
    await this.expiry.closeExpired(this.openSockets(), Date.now());
  }

  /** Test-only fault injection (`?fault=`): FAULT_INJECTION=on, and only where anyone may connect anyway. */
  private get faultsAllowed(): boolean {
    return this.env.FAULT_INJECTION === "on" && this.config.authMode === "open";
  }

  private newSocketState(identity: ConnectionIdentity, url: URL): SocketState {
    const faultsAllowed = this.faultsAllowed;
    // A user's ids are scoped by user already; the client's secret scope matters only when anonymous.
    const publishScope = identity.userId ? undefined : readPublishScope(url.searchParams.get(PUBLISH_SCOPE_PARAM));
    return {
      v: 1,
      id: newConnectionId(),
      mode: identity.mode,
      echo: url.searchParams.get("echo") === "1",
      topics: parseTopicList(url.searchParams.get("topics")),
      userId: identity.userId,
      // A token may list a capability many times; the attachment holds each once.
      capabilities: identity.capabilities && [...new Set(identity.capabilities)],
      tokenExpiresAtMs: identity.tokenExpiresAtMs,
      connectedAtMs: Date.now(),
      ...(publishScope ? { publishScope } : {}),
      ...(faultsAllowed && url.searchParams.get("fault") === "send" ? { faultSend: true } : {}),
    };
  }

  /** What a new connection of this (unsharded) room is told in its welcome. */
  private localView(plan: ReturnType<typeof resumePlan>): RoomView {
    const states = [...this.openSockets()].map(([, peer]) => peer);
    const mode = this.presenceMode.modeFor(states.length);
    this.presenceMode.welcomed(mode);
    const users = usersOf(states);
    return {
      epoch: this.history.epoch,
      seq: this.pipeline.deliveredSeq,
      ...(plan ? { recovered: plan.recovered, missed: plan.recovered ? plan.messages.length : undefined } : {}),
      memberCount: states.length,
      ...(mode === "list"
        ? { members: states.slice(0, MAX_MEMBERS_IN_WELCOME).map(memberOf), users }
        : { members: [], presence: "counts" as const, userCount: users.length }),
    };
  }

  /** Snapshots up to the newest delivered seq; a shard's come from the primary, in this reply's place. */
  sendSnapshots(ws: WebSocket, state: SocketState, filters: readonly string[]): void {
    if (filters.length === 0) return;
    if (!this.primaryLink) {
      for (const message of this.snapshots.matching(filters, this.pipeline.deliveredSeq)) this.delivery.deliver(ws, state, message, true);
      return;
    }
    const slot = this.pipeline.hold();
    this.primaryStub()
      .snapshotsFor(this.roomName, [...filters])
      .then(readMessageStream)
      .then(
        (messages) => slot.fill(() => messages.forEach((message) => this.delivery.deliver(ws, state, message, true))),
        (error) => slot.fill(() => log("error", { where: "Room.sendSnapshots", room: this.roomName, connectionId: state.id, reason: "snapshots unavailable", error })),
      );
  }

  // ── hibernation handlers ───────────────────────────────────────────────────

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const state = readSocketState(ws);
    if (!state) {
      closeQuietly(ws, CloseCode.internalError, "connection state lost");
      return;
    }
    try {
      this.frames.onMessage(ws, state, message);
    } catch (error) {
      log("error", { room: this.roomName, connectionId: state.id, code: CloseCode.internalError, where: "Room.webSocketMessage", error });
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
    log("error", { room: this.roomName, connectionId: readSocketState(ws)?.id, where: "Room.webSocketError", error });
    this.depart(ws, CloseCode.internalError, "socket error");
    closeQuietly(ws, CloseCode.internalError, "socket error");
  }

  /** Records a socket's departure once: stats, presence `left`, log. */
  private depart(ws: WebSocket, code: number, reason: string): void {
    if (this.departed.has(ws)) return;
    this.departed.add(ws);
    this.countSocket(-1);
    const state = readSocketState(ws);
    if (state?.mode === "v1" && this.v1Sockets !== undefined) this.v1Sockets--;
    const announce = state !== null && !this.primaryLink && this.presenceWanted();
    const listing = announce && this.presenceMode.current !== "counts";
    // The runtime marks the socket closing before this handler runs, so add its user back:
    // "before" must be the user set while this connection was still here.
    if (listing) {
      this.presence.begin(() => {
        const users = this.currentUsers();
        if (state.userId) users.add(state.userId);
        return users;
      });
    }
    this.stats.recordClose({ connectionId: state?.id, code, reason }, Date.now());
    log("close", { room: this.roomName, connectionId: state?.id, code });
    if (state && this.primaryLink) {
      this.ctx.waitUntil(this.primaryStub().detachConnection(this.roomName, state.id).catch(() => {}));
    } else if (announce) {
      if (listing) this.presence.leave(state.id);
      else this.presenceMode.unrecordedChange();
      this.schedulePresenceFlush();
    }
  }

  /** One timer at a time, and only while a change waits: an idle room keeps none (hibernation). */
  private schedulePresenceFlush(): void {
    this.presenceTimer ??= setTimeout(() => this.flushPresence(), this.presenceMode.flushDelayMs(Date.now()));
  }

  /** Sends the batched diff, the whole list or a count frame to every v1 socket (presence-mode.ts). */
  private flushPresence(): void {
    this.presenceTimer = undefined;
    const states = [...this.openSockets()].map(([, state]) => state);
    const users = new Set<string>();
    for (const state of states) if (state.userId) users.add(state.userId);
    const counts: PresenceCounts = { memberCount: states.length, userCount: users.size };
    const plan = this.presenceMode.flush(counts, this.presence.isEmpty, Date.now());
    const diff = this.presence.take(users);
    // Every v1 socket left meanwhile: nobody to tell (a later welcome says what the room is).
    if (plan === "none" || this.v1Sockets === 0) return;
    const frame =
      plan === "diff" ? encodePresenceDiff(diff)
      : plan === "counts" ? encodePresenceCounts(counts)
      : encodePresenceList(states.slice(0, MAX_MEMBERS_IN_WELCOME).map(memberOf), states.length, usersOf(states));
    for (const [ws, state] of this.openSockets()) if (state.mode === "v1") this.delivery.send(ws, state, frame);
  }

  // ── client frames (client-frames.ts) and their host hooks ──────────────────

  direct(to: string, from: string, dataJson: string): boolean | Promise<boolean> {
    const [target] = this.openSockets(to);
    if (target) {
      this.delivery.direct(target[0], target[1], from, dataJson, Date.now());
      return true;
    }
    // In a sharded room the target may sit on another shard: the primary knows where.
    return this.primaryLink ? this.primaryStub().routeDirect(this.roomName, to, from, dataJson, Date.now()) : false;
  }

  presenceChanged(state: SocketState): void {
    if (this.primaryLink) {
      this.primaryStub().updateMember(this.roomName, this.shardIndex!, memberOf(state)).catch(() => {});
      return;
    }
    // A counting room broadcasts no states; the change shows in the list if the room lists again.
    if (this.presenceMode.current === "counts") {
      this.presenceMode.unrecordedChange();
      return;
    }
    this.presence.begin(() => this.currentUsers());
    this.presence.update(memberOf(state));
    this.schedulePresenceFlush();
  }

  relayBinary(_ws: WebSocket, state: SocketState, data: ArrayBuffer): void {
    // A shard's frame reaches the other shards only through the primary's ordered fan-out.
    if (this.binaryLink) this.binaryLink.relay({ from: state.id, data });
    else this.stats.countOut(...this.delivery.relayBinary(this.ctx.getWebSockets(), state.id, data));
  }

  /** The sender (by `from`) is skipped unless it asked for echo. With batching, v1 sockets get it in the next batch. */
  private deliverLocally(message: StoredMessage): void {
    const skip = this.primaryLink ? this.shardSkip : undefined;
    this.stats.countOut(...this.delivery.fanOut(this.ctx.getWebSockets(), message, this.batcher === undefined, skip));
    this.batcher?.add(message, message.from);
  }

  private flushBatch(): void {
    if (!this.batcher) return;
    let count = 0;
    let bytes = 0;
    const attached = [...this.openSockets()].filter(([, state]) => !this.pendingAttach.has(state.id));
    for (const [ws, state, frame] of this.batcher.take(attached)) {
      if (this.delivery.send(ws, state, frame)) {
        count++;
        bytes += frame.length;
      }
    }
    this.stats.countOut(count, bytes);
  }

  private sendFailed(ws: WebSocket, state: SocketState): void {
    // A socket already closing (its close frame is on the way) is not a failure worth a log line.
    if (ws.readyState !== READY_STATE_OPEN) return;
    log("error", { room: this.roomName, connectionId: state.id, code: CloseCode.internalError, reason: "send failed" });
    closeQuietly(ws, CloseCode.internalError, "send failed");
  }

  // ── RPC from the Worker ────────────────────────────────────────────────────

  /** `POST /rooms/:room/messages`: answered once the message is durable and delivered. */
  async publishFromApi(request: PublishRequest): Promise<{ seq: number }> {
    this.rememberRoom(request.room);
    return { seq: await this.pipeline.publishAsync(this.counted(apiItem(request))) };
  }

  /** `POST /publish`: this room's entries in one call, stored in one group; results in entry order. */
  async publishBatch(room: string, entries: ApiMessage[]): Promise<BatchEntryResult[]> {
    this.rememberRoom(room);
    return this.pipeline.publishAll(entries.map((entry) => this.counted(apiItem(entry))));
  }

  private counted(item: SequenceItem): SequenceItem {
    this.stats.countIn(utf8ByteLength(item.dataJson));
    return item;
  }

  /** History as JSON text: data is spliced in from storage, never parsed and re-serialized. */
  async readHistory(since: number, limit: number): Promise<string> {
    return this.historyParts(since, limit).join("");
  }

  /**
   * The same JSON as a byte stream, for GET /rooms/:room/messages: a page of large messages
   * (each up to MAX_MESSAGE_BYTES) can be far over the 32 MiB JS RPC limit; a stream is not.
   */
  async readHistoryStream(since: number, limit: number): Promise<ReadableStream<Uint8Array>> {
    const parts = this.historyParts(since, limit);
    const encoder = new TextEncoder();
    let next = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (next < parts.length) controller.enqueue(encoder.encode(parts[next++]));
        else controller.close();
      },
    });
  }

  private historyParts(since: number, limit: number): string[] {
    const messages = this.history.since(since, Math.min(limit, HISTORY_PAGE_MAX_MESSAGES), Date.now());
    const items = messages.map((message, index) => (index === 0 ? "" : ",") + encodeHistoryItem(message));
    return [`{"epoch":${JSON.stringify(this.history.epoch)},"seq":${this.history.seq},"messages":[`, ...items, "]}"];
  }

  async info(room: string): Promise<RoomInfo> {
    this.rememberRoom(room);
    if (this.primary) return this.shardedInfo(room, this.primary);
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

  /** A sharded room's info: the primary's registry and history, every shard's counters. */
  private async shardedInfo(room: string, primary: ShardedPrimary): Promise<RoomInfo> {
    const shards = await Promise.all(Array.from({ length: primary.shardCount }, (_, index) => this.shardStub(index).shardStats().catch(() => undefined)));
    const { counters, recentCloses } = combineStats({ counters: this.stats.counters, recentCloses: this.stats.recentCloses() }, shards);
    const perShard = primary.members.perShard();
    return {
      room,
      epoch: this.history.epoch,
      seq: this.history.seq,
      connections: primary.members.count(),
      users: primary.members.users().length,
      members: primary.members.list(),
      counters,
      recentCloses,
      shards: Array.from({ length: primary.shardCount }, (_, index) => perShard[index] ?? 0),
    };
  }

  /** Closes one connection with 4009; false when no open connection has that id. */
  async kick(connectionId: string, room?: string): Promise<boolean> {
    if (room !== undefined) this.rememberRoom(room);
    if (this.primary) return this.primary.kick(connectionId);
    const [target] = this.openSockets(connectionId);
    if (!target) return false;
    closeQuietly(target[0], CloseCode.kicked, "kicked");
    return true;
  }

  /** Closes every socket with 1001 and wipes storage; the room starts over with a new epoch. */
  async deleteRoom(room?: string): Promise<{ epoch: string }> {
    if (room !== undefined) this.rememberRoom(room);
    const primary = this.primary;
    primary?.cancel();
    if (primary) await Promise.all(Array.from({ length: primary.shardCount }, (_, index) => this.shardStub(index).closeAll(CloseCode.goingAway, "room deleted").catch(() => {})));
    for (const ws of this.ctx.getWebSockets()) closeQuietly(ws, CloseCode.goingAway, "room deleted");
    if (this.presenceTimer !== undefined) clearTimeout(this.presenceTimer);
    this.presenceTimer = undefined;
    this.presence.take(new Set());
    this.presenceMode = new PresenceModeTracker(this.presenceListMaxMembers);
    this.batcher?.cancel();
    await this.ctx.storage.deleteAll();
    const shard = this.shardIndex;
    this.roomName = "";
    this.openStorage();
    this.pipeline.reset();
    if (room !== undefined) this.rememberRoom(room, shard);
    return { epoch: this.history.epoch };
  }

  // ── RPC from shards, to the primary of a sharded room ──────────────────────

  private primaryFor(room: string): ShardedPrimary {
    this.rememberRoom(room);
    if (!this.primary) throw new Error("not the primary of a sharded room");
    return this.primary;
  }

  /** Replay and snapshots travel as a stream: a whole history of large messages exceeds one RPC. */
  async attachConnection(request: AttachRequest): Promise<AttachResultOnWire> {
    if (request.fault === "primary" && this.faultsAllowed) throw new Error("injected primary fault");
    return attachResultToWire(this.primaryFor(request.room).attach(request, Date.now(), this.pipeline.deliveredSeq));
  }

  async detachConnection(room: string, connectionId: string): Promise<void> {
    this.primaryFor(room).detach(connectionId);
  }

  async updateMember(room: string, shard: number, member: Member): Promise<void> {
    this.primaryFor(room).update(shard, member);
  }

  /** A shard's publishes, stored in one group; answered with their seqs once durable. */
  async sequenceFromShard(room: string, items: SequenceItem[]): Promise<number[]> {
    this.primaryFor(room);
    return Promise.all(items.map((item) => this.pipeline.publishAsync(this.counted(item))));
  }

  async relayBinaryFromShard(room: string, frames: BinaryFrame[]): Promise<void> {
    const primary = this.primaryFor(room);
    for (const frame of frames) primary.relayBinary(frame);
  }

  async routeDirect(room: string, to: string, from: string, dataJson: string, ts: number): Promise<boolean> {
    return this.primaryFor(room).routeDirect(to, from, dataJson, ts);
  }

  /** A stream: any number of topics' snapshots, each up to MAX_MESSAGE_BYTES, may exceed one RPC. */
  async snapshotsFor(room: string, filters: string[]): Promise<ReadableStream<Uint8Array>> {
    return messageStream(this.primaryFor(room).snapshotsFor(filters, this.pipeline.deliveredSeq));
  }

  async redeemTicket(room: string, ticketId: string, expiresAtMs: number): Promise<boolean> {
    this.rememberRoom(room);
    return this.tickets.redeem(ticketId, expiresAtMs, Date.now());
  }

  // ── RPC from the primary, to a shard ───────────────────────────────────────

  /** Messages, presence and binary frames from the primary, in order. */
  async deliver(events: ShardEvent[]): Promise<void> {
    // Connections still being attached have had no welcome yet: binary is not replayed, so skip them.
    const attaching = (state: SocketState) => this.pendingAttach.has(state.id);
    for (const event of events) {
      if ("message" in event) this.deliverLocally(event.message);
      else if ("binary" in event) this.stats.countOut(...this.delivery.relayBinary(this.ctx.getWebSockets(), event.binary.from, event.binary.data, attaching));
      else for (const [ws, state] of this.openSockets()) if (state.mode === "v1") this.delivery.send(ws, state, event.presence);
    }
  }

  async deliverDirect(to: string, from: string, dataJson: string, ts: number): Promise<boolean> {
    const [target] = this.openSockets(to);
    if (!target) return false;
    this.delivery.direct(target[0], target[1], from, dataJson, ts);
    return true;
  }

  async closeAll(code: number, reason: string): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) closeQuietly(ws, code, reason);
  }

  async shardStats(): Promise<ShardStats> {
    return { connections: [...this.openSockets()].length, counters: this.stats.counters, recentCloses: this.stats.recentCloses() };
  }
}
