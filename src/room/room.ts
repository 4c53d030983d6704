/**
 * @module room
 * The room Durable Object: holds a room's sockets with the Hibernation API, sequences and
 * stores text messages, relays frames, and enforces limits and close codes (SPEC §1–§4, §6–§7).
 * Per-socket state lives in attachments (socket-state); the room never depends on memory that
 * hibernation would lose, except rate buckets (see `bucketFor`).
 */
import { DurableObject } from "cloudflare:workers";
import { configFrom, type Config } from "../config";
import type { Env } from "../env";
import { readIdentity, type ConnectionIdentity } from "../identity";
import { log } from "../log";
import { CloseCode } from "../shared/close-codes";
import {
  ErrorCode,
  decodeClientFrame,
  encodeAck,
  encodeError,
  encodeHistoryItem,
  encodeMessageFrame,
  encodePong,
  encodeWelcome,
  rawPayload,
  type StoredMessage,
} from "../shared/protocol";
import { TokenBucket } from "../shared/rate-limiter";
import { acceptsTopic, parseTopicList } from "../shared/topics";
import { utf8ByteLength } from "../shared/utf8";
import { closeReplyFor } from "./close-reply";
import { newConnectionId } from "./connection-id";
import { History } from "./history";
import { closeQuietly } from "./socket-io";
import { readSocketState, writeSocketState, type SocketState } from "./socket-state";

/** Runtime auto-response for the text heartbeat (SPEC §3): answered without waking the room. */
const HEARTBEAT_REQUEST = "ping";
const HEARTBEAT_RESPONSE = "pong";

/** Most history messages one HTTP read returns. */
export const HISTORY_PAGE_MAX_MESSAGES = 1000;

export interface PublishRequest {
  room: string;
  data: unknown;
  topic?: string;
}

export class Room extends DurableObject<Env> {
  private readonly config: Config;
  private readonly history: History;
  /**
   * Rate buckets are kept in memory only: a socket hibernates only after ~10 s without
   * messages, by which time its bucket is full and its drop window (10 s) is empty, so a fresh
   * bucket after waking is exactly the state that was lost.
   */
  private readonly buckets = new WeakMap<WebSocket, TokenBucket>();
  private roomName: string | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = configFrom(env);
    this.history = new History(ctx.storage.sql, this.config.limits);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT_REQUEST, HEARTBEAT_RESPONSE));
  }

  // ── connections ────────────────────────────────────────────────────────────

  override async fetch(request: Request): Promise<Response> {
    const identity = readIdentity(request.headers);
    if (!identity || request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ error: { code: "bad_request", message: "rooms accept WebSocket upgrades from the Worker only" } }, { status: 400 });
    }
    this.roomName = identity.room;
    const url = new URL(request.url);
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const headers = identity.subprotocol ? { "Sec-WebSocket-Protocol": identity.subprotocol } : undefined;

    if (this.ctx.getWebSockets().length >= this.config.limits.maxConnectionsPerRoom) {
      // Accepted outside hibernation so a refused socket never counts toward the room.
      server.accept();
      server.close(CloseCode.tryAgainLater, "room is full");
      log("reject", { room: identity.room, code: CloseCode.tryAgainLater });
      return new Response(null, { status: 101, webSocket: client, headers });
    }

    const state = this.newSocketState(identity, url);
    this.ctx.acceptWebSocket(server, [state.id]);
    writeSocketState(server, state);
    log("connect", { room: identity.room, connectionId: state.id });
    if (state.mode === "v1") server.send(this.welcomeFor(state));
    return new Response(null, { status: 101, webSocket: client, headers });
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

  private welcomeFor(state: SocketState): string {
    const { limits } = this.config;
    return encodeWelcome({
      room: this.roomName ?? "",
      connectionId: state.id,
      ...(state.userId ? { userId: state.userId } : {}),
      epoch: this.history.epoch,
      seq: this.history.seq,
      members: [],
      limits: { ...limits },
    });
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
    const reply = closeReplyFor(code, reason, wasClean);
    if (reply.kind === "echo") closeQuietly(ws, reply.code, reply.reason);
    else if (reply.kind === "empty") closeQuietly(ws);
    const state = readSocketState(ws);
    log("close", { room: this.roomName, connectionId: state?.id, code });
  }

  override webSocketError(ws: WebSocket, error: unknown): void {
    const state = readSocketState(ws);
    log("error", { room: this.roomName, connectionId: state?.id, errorName: (error as Error)?.name });
    closeQuietly(ws, CloseCode.internalError, "socket error");
  }

  // ── messages ───────────────────────────────────────────────────────────────

  private onMessage(ws: WebSocket, state: SocketState, message: string | ArrayBuffer): void {
    const { maxMessageBytes } = this.config.limits;
    if (messageBytes(message, maxMessageBytes) > maxMessageBytes) {
      closeQuietly(ws, CloseCode.messageTooBig, `message over ${maxMessageBytes} bytes`);
      return;
    }
    const decision = this.bucketFor(ws).take(Date.now());
    if (decision === "close") {
      closeQuietly(ws, CloseCode.policyViolation, "rate limit exceeded");
      return;
    }
    if (decision === "drop") {
      if (state.mode === "v1") this.send(ws, state, encodeError(ErrorCode.rateLimited, "rate limit exceeded: frame dropped"));
      return;
    }
    if (typeof message !== "string") {
      this.relayBinary(state, message);
      return;
    }
    if (state.mode === "raw") {
      this.publish({ from: state.id, dataJson: JSON.stringify(message) }, state);
      return;
    }
    this.onV1Frame(ws, state, message);
  }

  private onV1Frame(ws: WebSocket, state: SocketState, text: string): void {
    const decoded = decodeClientFrame(text);
    if (!decoded.ok) {
      if (decoded.kind === "invalid") closeQuietly(ws, CloseCode.invalidPayload, decoded.reason);
      else this.send(ws, state, encodeError(ErrorCode.unknownType, `unknown frame type "${decoded.type.slice(0, 64)}"`, decoded.id));
      return;
    }
    const frame = decoded.frame;
    switch (frame.type) {
      case "publish": {
        const message = this.publish({ from: state.id, topic: frame.topic, dataJson: JSON.stringify(frame.data) }, state);
        if (frame.id !== undefined) this.send(ws, state, encodeAck(frame.id, message.seq));
        return;
      }
      case "ping":
        this.send(ws, state, encodePong(frame.id));
        return;
      default:
        this.send(ws, state, encodeError(ErrorCode.unknownType, `"${frame.type}" is not available yet`));
    }
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
    this.fanOut(message, sender);
    return message;
  }

  /** One serialization per wire mode, one send per subscriber. */
  private fanOut(message: StoredMessage, sender?: SocketState): void {
    let v1Frame: string | undefined;
    let rawFrame: string | undefined;
    for (const peer of this.ctx.getWebSockets()) {
      const state = readSocketState(peer);
      if (!state || (state.id === sender?.id && !state.echo)) continue;
      if (!acceptsTopic(state.topics, message.topic)) continue;
      const payload = state.mode === "v1" ? (v1Frame ??= encodeMessageFrame(message)) : (rawFrame ??= rawPayload(message.dataJson));
      this.send(peer, state, payload);
    }
  }

  private relayBinary(sender: SocketState, data: ArrayBuffer): void {
    for (const peer of this.ctx.getWebSockets()) {
      const state = readSocketState(peer);
      if (!state || (state.id === sender.id && !state.echo)) continue;
      this.send(peer, state, data);
    }
  }

  /** A failed send closes only that peer (1011); the fan-out goes on. */
  private send(ws: WebSocket, state: SocketState, payload: string | ArrayBuffer): void {
    try {
      if (state.faultSend) throw new Error("injected send fault");
      ws.send(payload);
    } catch {
      log("error", { room: this.roomName, connectionId: state.id, code: CloseCode.internalError, reason: "send failed" });
      closeQuietly(ws, CloseCode.internalError, "send failed");
    }
  }

  // ── RPC from the Worker ────────────────────────────────────────────────────

  async publishFromApi(request: PublishRequest): Promise<{ seq: number }> {
    this.roomName = request.room;
    const message = this.publish({ from: "api", topic: request.topic, dataJson: JSON.stringify(request.data) });
    return { seq: message.seq };
  }

  /** History as JSON text: data is spliced in from storage, never parsed and re-serialized. */
  async readHistory(since: number, limit: number): Promise<string> {
    const messages = this.history.since(since, Math.min(limit, HISTORY_PAGE_MAX_MESSAGES), Date.now());
    const items = messages.map((message) => encodeHistoryItem(message)).join(",");
    return `{"epoch":${JSON.stringify(this.history.epoch)},"seq":${this.history.seq},"messages":[${items}]}`;
  }
}

/** Size in bytes, counted in UTF-8 for text; cheap bounds first so most frames skip the count. */
function messageBytes(message: string | ArrayBuffer, maxBytes: number): number {
  if (typeof message !== "string") return message.byteLength;
  if (message.length > maxBytes) return message.length;
  if (message.length * 3 <= maxBytes) return message.length;
  return utf8ByteLength(message);
}
