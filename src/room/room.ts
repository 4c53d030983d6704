/**
 * @module room
 * The room Durable Object (docs/protocol.md §1–§4, §6–§8): the Hibernation API handlers and the
 * RPC surface, nothing else. Every public method here is RPC; callers are the Worker and the
 * transports (HTTP API, connections), a sharded room's shards (to their primary) and its
 * primary (to its shards). All state and logic sit in the room core (room-core.ts), held in a
 * private field: the role this object plays (single room, sharded primary or shard), its
 * sockets, presence, delivery, stats and the message pipeline (pipeline.ts), and the inbound
 * frame handler (inbound.ts) with its hooks. Per-socket state lives in attachments
 * (socket-state.ts); everything else in SQLite; memory holds only caches and short timers, so
 * a woken object rebuilds the same core from storage.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { readIdentity } from "../identity";
import { log } from "../log";
import { refuseUpgrade } from "../refuse-upgrade";
import { closeReplyFor } from "../shared/close-reply";
import { closeQuietly, closeWith } from "../shared/close-quietly";
import { Close } from "../shared/closes";
import { ErrorCode } from "../shared/error-codes";
import { errorResponse } from "../shared/http-error";
import type { Member } from "../shared/protocol";
import { DRAIN_MIN_STEP_MS } from "./drain";
import { historyPageParts, partsStream } from "./history-page";
import { messageStream } from "./message-stream";
import { apiItem, type ApiMessage, type BatchEntryResult } from "./pipeline";
import { RoomCore } from "./room-core";
import type { RoomInfo } from "./room-role";
import { attachResultToWire, type AttachRequest, type AttachResultOnWire, type BinaryFrame, type SequenceItem, type ShardEvent, type ShardStats } from "./shard-protocol";
import { readSocketState, socketStateFor, socketStateProblem } from "./socket-state";

export type { RoomInfo } from "./room-role";

/** Runtime auto-response for the text heartbeat (docs/protocol.md §3): answered without waking the room. */
const HEARTBEAT_REQUEST = "ping";
const HEARTBEAT_RESPONSE = "pong";

export interface PublishRequest extends ApiMessage {
  room: string;
}

export class Room extends DurableObject<Env> {
  readonly #core: RoomCore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#core = new RoomCore(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT_REQUEST, HEARTBEAT_RESPONSE));
    // A wake with sockets already attached means the object hibernated or was evicted.
    log("wake", { room: this.#core.roomName, connections: ctx.getWebSockets().length });
  }

  // ── hibernation handlers ───────────────────────────────────────────────────

  /** The WebSocket upgrade, from the Worker only (it adds the identity headers). */
  override async fetch(request: Request): Promise<Response> {
    const identity = readIdentity(request.headers);
    if (!identity || request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return errorResponse(ErrorCode.badRequest, "rooms accept WebSocket upgrades from the Worker only");
    }
    const core = this.#core;
    core.rememberRoom(identity.room, identity.shard);
    const url = new URL(request.url);
    const state = socketStateFor(identity, url, core.faultsAllowed);
    // The Worker already answered 400 for `?topics=` over budget; this backstop covers any caller.
    const oversized = socketStateProblem(state);
    if (oversized) return errorResponse(ErrorCode.badRequest, oversized);
    const refusal = await core.refusalFor(identity);
    if (refusal) {
      core.stats.recordClose(refusal, Date.now());
      log("reject", { room: identity.room, code: refusal.code, reason: refusal.reason });
      return refuseUpgrade(refusal.code, refusal.reason, identity.subprotocol);
    }
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    const headers = identity.subprotocol ? { "Sec-WebSocket-Protocol": identity.subprotocol } : undefined;
    await core.role.connect(server, state, url);
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const state = readSocketState(ws);
    if (!state) {
      closeWith(ws, Close.connectionStateLost);
      return;
    }
    try {
      this.#core.inbound.onMessage(ws, state, message);
    } catch (error) {
      log("error", { room: this.#core.roomName, connectionId: state.id, code: Close.internalError.code, where: "Room.webSocketMessage", error });
      closeWith(ws, Close.internalError);
    }
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string, wasClean: boolean): void {
    this.#core.depart(ws, code, reason);
    const reply = closeReplyFor(code, reason, wasClean);
    if (reply.kind === "echo") closeQuietly(ws, reply.code, reply.reason);
    else if (reply.kind === "empty") closeQuietly(ws);
  }

  override webSocketError(ws: WebSocket, error: unknown): void {
    log("error", { room: this.#core.roomName, connectionId: readSocketState(ws)?.id, where: "Room.webSocketError", error });
    this.#core.depart(ws, Close.socketError.code, Close.socketError.reason);
    closeWith(ws, Close.socketError);
  }

  /** Alarm: runs each due job of the room's schedule (alarm-schedule.ts); works across hibernation. */
  override async alarm(): Promise<void> {
    const core = this.#core;
    for (const job of await core.alarms.takeDue(Date.now())) {
      if (job === "tokenExpiry") await core.expiry.closeExpired(core.sockets.open(), Date.now());
      else if (job === "drain") await this.drainStep();
      else if (job === "occupancy") await core.occupancy.check();
    }
  }

  /** One drain step; a failed step is logged and retried shortly, so the drain is never lost. */
  private async drainStep(): Promise<void> {
    const core = this.#core;
    try {
      await core.drain.step(Date.now());
    } catch (error) {
      log("error", { room: core.roomName, where: "Room.alarm drain", error });
      await core.alarms.set("drain", Date.now() + DRAIN_MIN_STEP_MS);
    }
  }

  // ── RPC from the Worker ────────────────────────────────────────────────────

  /**
   * `POST /rooms/:room/drain`: every connection open now is closed with 1012, spread over
   * `overMs` (drain.ts). The primary of a sharded room passes it on to each shard (`shard` set).
   */
  async drain(room: string, overMs: number, shard?: number): Promise<{ connections: number }> {
    const core = this.#core;
    core.rememberRoom(room, shard);
    return { connections: await core.drainRoom(overMs) };
  }

  /** `POST /rooms/:room/messages`: answered once the message is durable and delivered. */
  async publishFromApi(request: PublishRequest): Promise<{ seq: number }> {
    const core = this.#core;
    core.rememberRoom(request.room);
    return { seq: await core.pipeline.publishAsync(core.counted(apiItem(request))) };
  }

  /** `POST /publish`: this room's entries in one call, stored in one group; results in entry order. */
  async publishBatch(room: string, entries: ApiMessage[]): Promise<BatchEntryResult[]> {
    const core = this.#core;
    core.rememberRoom(room);
    return core.pipeline.publishAll(entries.map((entry) => core.counted(apiItem(entry))));
  }

  /** History as JSON text: data is spliced in from storage, never parsed and re-serialized. */
  async readHistory(since: number, limit: number): Promise<string> {
    return historyPageParts(this.#core.history, since, limit, Date.now()).join("");
  }

  /**
   * The same JSON as a byte stream, for GET /rooms/:room/messages: a page of large messages
   * (each up to MAX_MESSAGE_BYTES) can be far over the 32 MiB JS RPC limit; a stream is not.
   */
  async readHistoryStream(since: number, limit: number): Promise<ReadableStream<Uint8Array>> {
    return partsStream(historyPageParts(this.#core.history, since, limit, Date.now()));
  }

  async info(room: string): Promise<RoomInfo> {
    this.#core.rememberRoom(room);
    return this.#core.role.info(room);
  }

  /** Closes one connection with 4009; false when no open connection has that id. */
  async kick(connectionId: string, room?: string): Promise<boolean> {
    if (room !== undefined) this.#core.rememberRoom(room);
    return this.#core.role.kick(connectionId);
  }

  /** Closes every socket with 1001 and wipes storage; the room starts over with a new epoch. */
  async deleteRoom(room?: string): Promise<{ epoch: string }> {
    if (room !== undefined) this.#core.rememberRoom(room);
    return this.#core.wipe(room);
  }

  // ── RPC from shards, to the primary of a sharded room ──────────────────────

  /** Replay and snapshots travel as a stream: a whole history of large messages exceeds one RPC. */
  async attachConnection(request: AttachRequest): Promise<AttachResultOnWire> {
    const core = this.#core;
    if (request.fault === "primary" && core.faultsAllowed) throw new Error("injected primary fault");
    return attachResultToWire(core.primaryFor(request.room).attach(request, Date.now(), core.pipeline.deliveredSeq));
  }

  async detachConnection(room: string, connectionId: string): Promise<void> {
    this.#core.primaryFor(room).detach(connectionId);
  }

  async updateMember(room: string, shard: number, member: Member): Promise<void> {
    this.#core.primaryFor(room).update(shard, member);
  }

  /** A shard's publishes, stored in one group; answered with their seqs once durable. */
  async sequenceFromShard(room: string, items: SequenceItem[]): Promise<number[]> {
    const core = this.#core;
    core.primaryFor(room);
    return Promise.all(items.map((item) => core.pipeline.publishAsync(core.counted(item))));
  }

  async relayBinaryFromShard(room: string, frames: BinaryFrame[]): Promise<void> {
    const primary = this.#core.primaryFor(room);
    for (const frame of frames) primary.relayFromShard(frame);
  }

  async routeDirect(room: string, to: string, from: string, dataJson: string, ts: number): Promise<boolean> {
    return this.#core.primaryFor(room).routeDirect(to, from, dataJson, ts);
  }

  /** A stream: any number of topics' snapshots, each up to MAX_MESSAGE_BYTES, may exceed one RPC. */
  async snapshotsFor(room: string, filters: string[]): Promise<ReadableStream<Uint8Array>> {
    const core = this.#core;
    return messageStream(core.primaryFor(room).snapshotsFor(filters, core.pipeline.deliveredSeq));
  }

  async redeemTicket(room: string, ticketId: string, expiresAtMs: number): Promise<boolean> {
    this.#core.rememberRoom(room);
    return this.#core.tickets.redeem(ticketId, expiresAtMs, Date.now());
  }

  // ── RPC from the primary, to a shard ───────────────────────────────────────

  /** Messages, presence and binary frames from the primary, in order. */
  async deliver(events: ShardEvent[]): Promise<void> {
    this.#core.sockets.deliverEvents(events);
  }

  async deliverDirect(to: string, from: string, dataJson: string, ts: number): Promise<boolean> {
    return this.#core.sockets.direct(to, from, dataJson, ts);
  }

  /** The primary closes this shard's sockets (a room delete); code and reason as separate RPC arguments. */
  async closeAll(code: number, reason: string): Promise<void> {
    this.#core.sockets.closeAll({ code, reason });
  }

  /** This shard's open connection ids: the primary's occupancy check prunes members not in it. */
  async shardConnectionIds(): Promise<string[]> {
    return this.#core.sockets.states().map((state) => state.id);
  }

  /** The primary names the room and the shard, so a shard that never held a connection knows its policy too. */
  async shardStats(room?: string, shard?: number): Promise<ShardStats> {
    const core = this.#core;
    if (room !== undefined && shard !== undefined) core.rememberRoom(room, shard);
    return { connections: core.sockets.states().length, placement: core.placement, counters: core.stats.counters, recentCloses: core.stats.recentCloses() };
  }
}
