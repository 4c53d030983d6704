/**
 * @module local-sockets
 * The sockets this object holds (a whole room's, or one shard's share), as every role sees
 * them: the runtime's list read as open sockets with their states, the running count the
 * capacity check trusts, each departure counted once, and local fan-out of messages, binary
 * and presence frames with the v1 batcher (batcher.ts). Sends go through Delivery, so a failed
 * peer is closed alone.
 */
import { closeWith } from "../shared/close-quietly";
import { Close, type NamedClose } from "../shared/closes";
import type { StoredMessage } from "../shared/protocol";
import type { RoomPolicy } from "../room-policies";
import { Batcher } from "./batcher";
import type { Delivery, Skip } from "./delivery";
import type { RoomStats } from "./room-stats";
import { readSocketState, writeSocketState, type SocketState } from "./socket-state";
import { SocketTally } from "./socket-tally";
import type { ShardEvent } from "./shard-protocol";

/** WebSocket.readyState of an open socket. */
export const READY_STATE_OPEN = 1;
/**
 * The capacity check trusts the room's running socket count while it is this far below the
 * limit, and counts the runtime's socket list (O(connections) per connect) only closer to it.
 */
const CAPACITY_EXACT_CHECK_MARGIN = 64;
/** ...and recounts it anyway once per this many connects, so no drift can build up unseen. */
const CAPACITY_RECOUNT_EVERY_CONNECTS = 256;

/** A shard's hold on local deliveries while connections are being attached (shard-room.ts). */
export interface LocalGate {
  /** A message waits for a connection being attached, or is at or below its replay floor. */
  skip: Skip;
  /** The connection has had no welcome yet. */
  attaching(state: SocketState): boolean;
}

/** What the sockets read from the room as it is now (its stats and gate change with it). */
export interface LocalSocketsHost {
  readonly stats: RoomStats;
  readonly gate: LocalGate | undefined;
}

export class LocalSockets {
  private readonly departed = new WeakSet<WebSocket>();
  /** Sockets accepted minus departed in this isolate; counted from the runtime's list when first needed. */
  private socketCount: number | undefined;
  private connectsSinceRecount = 0;
  /** Open sockets and users, for counting welcomes; built when first asked for. */
  private tally: SocketTally | undefined;
  /** Present when the room's policy batches v1 deliveries (batchMs > 0). */
  private batcher: Batcher | undefined;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly delivery: Delivery,
    private readonly host: LocalSocketsHost,
  ) {}

  /** Every socket the runtime holds for this object, closing ones included. */
  all(): WebSocket[] {
    return this.ctx.getWebSockets();
  }

  /** Open sockets with their states; closing ones and foreign attachments are left out. */
  *open(tag?: string): Generator<[WebSocket, SocketState]> {
    for (const ws of this.ctx.getWebSockets(tag)) {
      if (ws.readyState !== READY_STATE_OPEN) continue;
      const state = readSocketState(ws);
      if (state) yield [ws, state];
    }
  }

  states(): SocketState[] {
    return [...this.open()].map(([, state]) => state);
  }

  /** Open sockets and distinct users, without listing every socket (socket-tally.ts). */
  counts(): { connections: number; users: number } {
    if (!this.tally) {
      this.tally = new SocketTally();
      for (const [ws, state] of this.open()) this.tally.add(ws, state);
    }
    return { connections: this.tally.connections, users: this.tally.users };
  }

  currentUsers(): Set<string> {
    const users = new Set<string>();
    for (const [, state] of this.open()) if (state.userId) users.add(state.userId);
    return users;
  }

  /** Hands the socket to the runtime (hibernatable, tagged by connection id) with its state. */
  accept(ws: WebSocket, state: SocketState): void {
    this.ctx.acceptWebSocket(ws, [state.id]);
    if (this.socketCount !== undefined) this.socketCount++;
    writeSocketState(ws, state);
    this.tally?.add(ws, state);
  }

  /** True the first time a socket departs (close and error handlers may both run). */
  departOnce(ws: WebSocket): boolean {
    if (this.departed.has(ws)) return false;
    this.departed.add(ws);
    if (this.socketCount !== undefined) this.socketCount--;
    this.tally?.remove(ws, readSocketState(ws));
    return true;
  }

  /**
   * Whether the object holds `max` sockets. Far below the limit the running count decides
   * without listing every socket; near it the runtime's list does (sockets still closing count).
   */
  isFull(max: number): boolean {
    const recount = this.socketCount === undefined || ++this.connectsSinceRecount >= CAPACITY_RECOUNT_EVERY_CONNECTS;
    if (!recount && this.socketCount! + CAPACITY_EXACT_CHECK_MARGIN < max) return false;
    this.connectsSinceRecount = 0;
    this.socketCount = this.ctx.getWebSockets().length;
    return this.socketCount >= max;
  }

  /** The room's policy decides batching; a pending batch of the old policy is dropped. */
  configureBatching(policy: RoomPolicy): void {
    this.batcher?.cancel();
    this.batcher = policy.batchMs > 0 ? new Batcher(policy.batchMs, policy.conflate, () => this.flushBatch()) : undefined;
  }

  cancelBatch(): void {
    this.batcher?.cancel();
  }

  /** The sender (by `from`) is skipped unless it asked for echo. With batching, v1 sockets get it in the next batch. */
  fanOut(message: StoredMessage): void {
    this.host.stats.countOut(...this.delivery.fanOut(this.ctx.getWebSockets(), message, this.batcher === undefined, this.host.gate?.skip));
    this.batcher?.add(message, message.from);
  }

  /** Binary to every other socket here (the sender, by id, with echo); never sequenced. */
  relayBinary(senderId: string, data: ArrayBuffer): void {
    this.host.stats.countOut(...this.delivery.relayBinary(this.ctx.getWebSockets(), senderId, data, this.host.gate?.attaching));
  }

  /** A presence frame to every v1 socket (raw sockets get none). */
  sendToV1(frame: string): void {
    for (const [ws, state] of this.open()) if (state.mode === "v1") this.delivery.send(ws, state, frame);
  }

  /** Messages, presence and binary frames from a sharded room's primary, in order. */
  deliverEvents(events: readonly ShardEvent[]): void {
    for (const event of events) {
      if ("message" in event) this.fanOut(event.message);
      else if ("binary" in event) this.relayBinary(event.binary.from, event.binary.data);
      else this.sendToV1(event.presence);
    }
  }

  /** A direct message to the connection `to` if it is here; false when it is not. */
  direct(to: string, from: string, dataJson: string, ts: number): boolean {
    const [target] = this.open(to);
    if (!target) return false;
    this.delivery.direct(target[0], target[1], from, dataJson, ts);
    return true;
  }

  /** Closes one connection with 4009; false when no open connection here has that id. */
  kick(connectionId: string): boolean {
    const [target] = this.open(connectionId);
    if (!target) return false;
    closeWith(target[0], Close.kicked);
    return true;
  }

  /** Closes one open connection; false when no open connection here has that id. */
  closeConnection(connectionId: string, close: NamedClose): boolean {
    const [target] = this.open(connectionId);
    if (!target) return false;
    closeWith(target[0], close);
    return true;
  }

  closeAll(close: NamedClose): void {
    for (const ws of this.ctx.getWebSockets()) closeWith(ws, close);
  }

  private flushBatch(): void {
    if (!this.batcher) return;
    let count = 0;
    let bytes = 0;
    const gate = this.host.gate;
    const attached = [...this.open()].filter(([, state]) => !gate?.attaching(state));
    for (const [ws, state, frame] of this.batcher.take(attached)) {
      if (this.delivery.send(ws, state, frame)) {
        count++;
        bytes += frame.length;
      }
    }
    this.host.stats.countOut(count, bytes);
  }
}
