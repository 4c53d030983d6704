/**
 * @module inbound
 * What the room does with each frame a client sends (docs/protocol.md §3, §6, §7): size and rate limits,
 * binary policy, raw text as a publish, and every `roomcast.v1` frame type with its documented
 * answer. Where a sharded room must ask its primary, the host decides how: the room core
 * (room-core.ts) hands each hook to the object's role (single room, shard or primary).
 *
 * Order: a publish is sequenced when it arrives (the pipeline gathers it into the next group);
 * everything else a frame causes (its handling, replies, errors, closes) runs in its place in
 * the room's reply order (reply-order.ts), so it never overtakes an earlier publish's ack or
 * delivery. A deferred handler reads the socket's state afresh: an earlier frame may have
 * changed it. An `auth` frame (token-refresh.ts) holds its place while the token is verified;
 * the new grant applies from its ack on (a publish is checked when it arrives, so one sent
 * before the ack is judged by the old grant).
 */
import type { Config } from "../config";
import type { RoomPolicy } from "../room-policies";
import type { ConnectionCapability } from "../shared/capabilities";
import { closeWith } from "../shared/close-quietly";
import { Close, type NamedClose } from "../shared/closes";
import { MAX_TOPIC_LENGTH } from "../shared/limits";
import { ErrorCode, decodeClientFrame, encodeAck, encodeError, encodePong, type ClientFrame } from "../shared/protocol";
import { TokenBucket } from "../shared/rate-limiter";
import { isValidTopic } from "../shared/topics";
import { utf8ByteLength } from "../shared/utf8";
import type { Delivery } from "./delivery";
import { READY_STATE_OPEN } from "./local-sockets";
import { publishKey } from "./publish-key";
import type { RoomStats } from "./room-stats";
import type { SequenceItem } from "./shard-protocol";
import { log } from "../log";
import type { Pipeline } from "./pipeline";
import { readSocketState, writeSocketState, type SocketState } from "./socket-state";
import { applySubscribe, applyUnsubscribe } from "./subscriptions";
import { decideRefresh, withGrant, type RefreshDecision } from "./token-refresh";

/** What the frame handlers need from the room: a private object of the room core, never an RPC surface. */
export interface InboundHost {
  readonly config: Config;
  readonly policy: RoomPolicy;
  readonly delivery: Delivery;
  readonly stats: RoomStats;
  /** The logical room's name (a shard's too): what an `auth` frame's token must cover. */
  readonly roomName: string;
  /** Makes sure the token-expiry job runs no later than `expiresAtMs` (token-expiry.ts). */
  watchExpiry(expiresAtMs: number): Promise<void>;
  /** Relays a binary frame to every other connection of the room (every shard); never sequenced. */
  relayBinary(ws: WebSocket, state: SocketState, data: ArrayBuffer): void;
  /** Sequences publishes (here, or at the primary on a shard) and keeps the reply order. */
  readonly pipeline: Pipeline;
  /** Delivers a direct message; false when no such connection is in the room. */
  direct(to: string, from: string, dataJson: string): boolean | Promise<boolean>;
  sendSnapshots(ws: WebSocket, state: SocketState, filters: readonly string[]): void;
  presenceChanged(state: SocketState): void;
}

export class Inbound {
  /**
   * Rate buckets are kept in memory only: a socket hibernates only after ~10 s without
   * messages, by which time its bucket is full and its drop window (10 s) is empty, so a fresh
   * bucket after waking is exactly the state that was lost.
   */
  private readonly buckets = new WeakMap<WebSocket, TokenBucket>();

  constructor(private readonly host: InboundHost) {}

  onMessage(ws: WebSocket, state: SocketState, message: string | ArrayBuffer): void {
    const { maxMessageBytes } = this.host.config.limits;
    const bytes = messageBytes(message, maxMessageBytes);
    this.host.stats.countIn(bytes);
    if (bytes > maxMessageBytes) {
      this.close(ws, state, Close.messageTooBig(maxMessageBytes));
      return;
    }
    const decision = this.bucketFor(ws).take(Date.now());
    if (decision === "close") {
      this.close(ws, state, Close.rateLimited);
      return;
    }
    if (decision === "drop") {
      if (state.mode === "v1") this.reply(ws, state, encodeError(ErrorCode.rateLimited, "rate limit exceeded: frame dropped"));
      return;
    }
    if (typeof message !== "string") {
      // Binary is not sequenced, but relayed in its place: after the sender's earlier texts.
      this.inOrder(ws, state, () => this.onBinary(ws, readSocketState(ws) ?? state, message));
      return;
    }
    if (state.mode === "raw") {
      if (this.mayPublish(ws, state)) this.publish(ws, state, { from: state.id, dataJson: JSON.stringify(message) });
      return;
    }
    const decoded = decodeClientFrame(message);
    if (decoded.ok && decoded.frame.type === "publish") this.onPublish(ws, state, decoded.frame);
    else if (decoded.ok) {
      const frame = decoded.frame;
      this.inOrder(ws, state, () => this.onV1Frame(ws, readSocketState(ws) ?? state, frame));
    } else if (decoded.kind === "invalid") this.close(ws, state, Close.invalidFrame(decoded.reason));
    else if (decoded.kind === "bad_request") this.reply(ws, state, encodeError(ErrorCode.badRequest, decoded.reason, decoded.id));
    else this.reply(ws, state, encodeError(ErrorCode.unknownType, `unknown frame type "${decoded.type.slice(0, 64)}"`, decoded.id));
  }

  private onBinary(ws: WebSocket, state: SocketState, message: ArrayBuffer): void {
    if (this.host.policy.binary === "deny") closeWith(ws, Close.binaryNotAllowed);
    else if (this.mayPublish(ws, state)) this.host.relayBinary(ws, state, message);
  }

  /** Sequences a socket's publish; acks `ackId` once it is durable and delivered. */
  private publish(ws: WebSocket, state: SocketState, item: SequenceItem, ackId?: string): void {
    this.host.pipeline.publish(item, {
      done: (seq) => {
        if (ackId !== undefined) this.host.delivery.send(ws, state, encodeAck(ackId, seq));
      },
      // Which connection lost its publish (the pipeline's own line says why a group failed).
      failed: (error) => {
        log("error", { connectionId: state.id, code: Close.messageNotStored.code, where: "Inbound.publish", reason: Close.messageNotStored.reason, error });
        closeWith(ws, Close.messageNotStored);
      },
    });
  }

  /** Runs `handle` in its place in the reply order; a throw closes only this socket (1011). */
  private inOrder(ws: WebSocket, state: SocketState, handle: () => void): void {
    this.host.pipeline.after(() => guarded(ws, state, handle));
  }

  /** A reply in its place in the reply order. */
  private reply(ws: WebSocket, state: SocketState, payload: string): void {
    this.inOrder(ws, state, () => this.host.delivery.send(ws, state, payload));
  }

  /** A close in its place: the acks of the socket's earlier publishes go out first. */
  private close(ws: WebSocket, state: SocketState, close: NamedClose): void {
    this.inOrder(ws, state, () => closeWith(ws, close));
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
        this.reply(ws, state, encodePong(frame.id));
        return;
      case "auth":
        return this.onAuth(ws, state, frame);
    }
  }

  /** Verifies the token (async: WebCrypto) in this frame's place, then applies or refuses it there. */
  private onAuth(ws: WebSocket, state: SocketState, frame: Extract<ClientFrame, { type: "auth" }>): void {
    const slot = this.host.pipeline.hold();
    decideRefresh(frame.token, state, this.host.config, this.host.roomName).then(
      (decision) => slot.fill(() => guarded(ws, state, () => this.applyRefresh(ws, decision, frame.id))),
      (error: unknown) => {
        // verifyToken turns every token problem into a reason; a throw is the room's own failure.
        log("error", { connectionId: state.id, where: "Inbound.onAuth", reason: "token refresh not verified", error });
        slot.fill(() => this.host.delivery.send(ws, state, encodeError(ErrorCode.unauthorized, "token not verified, try again", frame.id)));
      },
    );
  }

  private applyRefresh(ws: WebSocket, decision: RefreshDecision, id: string | undefined): void {
    const current = readSocketState(ws);
    // Closed meanwhile (the old token's expiry, a kick): there is no grant left to replace.
    if (!current || ws.readyState !== READY_STATE_OPEN) return;
    if (current.tokenExpiresAtMs !== undefined && current.tokenExpiresAtMs <= Date.now()) {
      // The old token ran out while this one was checked: the expiry job's close, now.
      closeWith(ws, Close.tokenExpired);
      return;
    }
    if (!decision.ok) {
      this.host.delivery.send(ws, current, encodeError(decision.code, decision.message, id));
      return;
    }
    const { grant } = decision;
    if (grant) {
      writeSocketState(ws, withGrant(current, grant));
      this.host.watchExpiry(grant.tokenExpiresAtMs).catch((error: unknown) => {
        // The alarm keeps its earlier deadline; that run re-arms for the expiries it finds.
        log("error", { connectionId: current.id, where: "Inbound.applyRefresh", reason: "token expiry not rescheduled", error });
      });
    }
    if (id !== undefined) this.host.delivery.send(ws, readSocketState(ws) ?? current, encodeAck(id));
  }

  /** Sends error `forbidden` when the connection's token lacks `capability`. */
  private refuse(ws: WebSocket, state: SocketState, capability: ConnectionCapability, id?: string): boolean {
    if (!state.capabilities || state.capabilities.includes(capability)) return false;
    if (state.mode === "v1") this.reply(ws, state, encodeError(ErrorCode.forbidden, `token does not allow ${capability}`, id));
    return true;
  }

  /**
   * The one rule for anything a client sends to the room (raw text, v1 publish, binary in either
   * mode): the token must allow `publish` and the room's policy must allow client publishes.
   * v1 connections get error `forbidden`; raw connections have no error frames, so it is dropped.
   */
  private mayPublish(ws: WebSocket, state: SocketState, id?: string): boolean {
    if (this.refuse(ws, state, "publish", id)) return false;
    if (this.host.policy.clientPublish) return true;
    if (state.mode === "v1") this.reply(ws, state, encodeError(ErrorCode.forbidden, "only the HTTP API publishes in this room", id));
    return false;
  }

  private onPublish(ws: WebSocket, state: SocketState, frame: Extract<ClientFrame, { type: "publish" }>): void {
    if (!this.mayPublish(ws, state, frame.id)) return;
    if (frame.topic !== undefined && !isValidTopic(frame.topic)) {
      this.reply(ws, state, encodeError(ErrorCode.badRequest, `topic must be 1–${MAX_TOPIC_LENGTH} characters`, frame.id));
      return;
    }
    const key = frame.id === undefined ? undefined : publishKey(state, frame.id);
    this.publish(ws, state, { from: state.id, topic: frame.topic, dataJson: JSON.stringify(frame.data), key }, frame.id);
  }

  private onDirect(ws: WebSocket, state: SocketState, frame: Extract<ClientFrame, { type: "direct" }>): void {
    if (this.refuse(ws, state, "direct", frame.id)) return;
    const dataJson = JSON.stringify(frame.data);
    const answer = (found: boolean) => {
      if (!found) this.reply(ws, state, encodeError(ErrorCode.notFound, "no such connection in this room", frame.id));
      else if (frame.id !== undefined) this.reply(ws, state, encodeAck(frame.id));
    };
    const found = this.host.direct(frame.to, state.id, dataJson);
    if (typeof found === "boolean") return answer(found);
    // Routed through a sharded room's primary: the answer keeps this frame's place.
    const slot = this.host.pipeline.hold();
    found.then(
      (routed) => slot.fill(() => answer(routed)),
      (error: unknown) => {
        // The sender is told `not_found` (nothing was delivered); the log says why.
        log("error", { connectionId: state.id, where: "Inbound.onDirect", reason: "direct not routed by the primary", error });
        slot.fill(() => answer(false));
      },
    );
  }

  private onSubscription(ws: WebSocket, state: SocketState, frame: Extract<ClientFrame, { type: "subscribe" | "unsubscribe" }>): void {
    if (this.refuse(ws, state, "subscribe")) return;
    const result = frame.type === "subscribe" ? applySubscribe(state.topics, frame.topics) : applyUnsubscribe(state.topics, frame.topics);
    if (!result.ok) {
      this.reply(ws, state, encodeError(ErrorCode.badRequest, result.message));
      return;
    }
    const next = { ...state, topics: result.topics };
    writeSocketState(ws, next);
    if (frame.type === "subscribe" && result.added.length > 0) this.host.sendSnapshots(ws, next, result.added);
  }

  private onPresence(ws: WebSocket, state: SocketState, presence: unknown): void {
    if (this.refuse(ws, state, "presence")) return;
    // The decoder guarantees `state` is present; JSON text always, so undefined cannot occur here.
    const presenceJson = JSON.stringify(presence) ?? "null";
    // Config keeps presenceStateMaxBytes within the attachment budget (socket-budget.ts).
    if (utf8ByteLength(presenceJson) > this.host.config.limits.presenceStateMaxBytes) {
      this.reply(ws, state, encodeError(ErrorCode.badRequest, `presence state is over ${this.host.config.limits.presenceStateMaxBytes} bytes`));
      return;
    }
    const next = { ...state, presenceJson };
    writeSocketState(ws, next);
    this.host.presenceChanged(next);
  }

  private bucketFor(ws: WebSocket): TokenBucket {
    let bucket = this.buckets.get(ws);
    if (!bucket) {
      bucket = new TokenBucket(this.host.config.limits.rateLimitMessagesPerSecond, Date.now());
      this.buckets.set(ws, bucket);
    }
    return bucket;
  }
}

/** Runs `handle`; a throw closes only this socket (1011). */
function guarded(ws: WebSocket, state: SocketState, handle: () => void): void {
  try {
    handle();
  } catch (error) {
    log("error", { connectionId: state.id, code: Close.internalError.code, where: "Inbound.inOrder", error });
    closeWith(ws, Close.internalError);
  }
}

/** Size in bytes, counted in UTF-8 for text; a text longer than the limit in UTF-16 units is over it anyway. */
function messageBytes(message: string | ArrayBuffer, maxBytes: number): number {
  if (typeof message !== "string") return message.byteLength;
  if (message.length > maxBytes) return message.length;
  return utf8ByteLength(message);
}
