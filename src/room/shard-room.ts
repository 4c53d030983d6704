/**
 * @module shard-room
 * The role of one shard `<room>#n` of a sharded room (docs/protocol.md §8): it holds a share of
 * the sockets and asks the primary for everything the room decides as a whole. Publishes are
 * sequenced there (primary-link.ts, through the pipeline) and binary goes there for the ordered
 * fan-out (binary-link.ts); connections are attached there (replay, welcome's presence), and
 * tickets, snapshots, presence changes and directs to other shards go through it. Messages from
 * the primary reach local sockets through the core's fan-out, held back (`gate`) for
 * connections still being attached.
 */
import { log } from "../log";
import { closeWith } from "../shared/close-quietly";
import { Close } from "../shared/closes";
import { encodeWelcomeFor, type StoredMessage } from "../shared/protocol";
import { BinaryLink } from "./binary-link";
import type { LocalGate } from "./local-sockets";
import { readMessageStream } from "./message-stream";
import { memberOf } from "./presence";
import { PrimaryLink } from "./primary-link";
import type { RoomCore } from "./room-core";
import type { RoomInfo, RoomRole } from "./room-role";
import { attachResultFromWire, type AttachRequest, type AttachResult, type AttachResultOnWire } from "./shard-protocol";
import { writeSocketState, type SocketState } from "./socket-state";

export class ShardRoom implements RoomRole {
  readonly primaryLink: PrimaryLink;
  private readonly binaryLink: BinaryLink;
  /** Messages for connections still being attached, sent once their replay is out. */
  private readonly pendingAttach = new Map<string, StoredMessage[]>();

  /** A message waits for a connection being attached and never goes below its replay point. */
  readonly gate: LocalGate = {
    skip: (state, message) => {
      const pending = this.pendingAttach.get(state.id);
      if (pending) {
        pending.push(message);
        return true;
      }
      return state.floorSeq !== undefined && message.seq <= state.floorSeq;
    },
    attaching: (state) => this.pendingAttach.has(state.id),
  };

  constructor(
    private readonly core: RoomCore,
    private readonly shard: number,
  ) {
    this.primaryLink = new PrimaryLink(() => core.primaryStub(), () => core.roomName);
    this.binaryLink = new BinaryLink(() => core.primaryStub(), () => core.roomName);
  }

  /** A shard holds its share of the room's connections. */
  maxConnections(roomTotal: number): number {
    return Math.ceil(roomTotal / this.core.policy.shards);
  }

  /** Single use is the primary's to decide: tickets may land on any shard. */
  redeemTicket(ticketId: string, expiresAtMs: number): Promise<boolean | undefined> {
    const core = this.core;
    return this.askPrimaryDuringUpgrade(() => core.primaryStub().redeemTicket(core.roomName, ticketId, expiresAtMs));
  }

  /**
   * Accepts the socket, registers it with the primary, then sends welcome and replay. Live
   * messages that arrive meanwhile wait in `pendingAttach`; anything at or below the seq the
   * primary reported was in the replay (or is older), so `floorSeq` keeps it from coming twice.
   */
  async connect(server: WebSocket, state: SocketState, url: URL): Promise<void> {
    const core = this.core;
    core.sockets.accept(server, state);
    this.pendingAttach.set(state.id, []);
    core.stats.countConnection();
    log("connect", { room: core.roomName, connectionId: state.id });
    const request: AttachRequest = { room: core.roomName, shard: this.shard, member: memberOf(state), since: url.searchParams.get("since"), epoch: url.searchParams.get("epoch"), topics: state.topics };
    if (core.faultsAllowed && url.searchParams.get("fault") === "primary") request.fault = "primary";
    // The stub's inferred type turns a result holding a stream into `never`; the runtime carries it.
    const onWire = () => core.primaryStub().attachConnection(request) as unknown as Promise<AttachResultOnWire>;
    const attached = await this.askPrimaryDuringUpgrade<AttachResult>(() => onWire().then(attachResultFromWire));
    if (!attached) {
      this.pendingAttach.delete(state.id);
      closeWith(server, Close.primaryUnavailable);
      return;
    }
    const waiting = this.pendingAttach.get(state.id) ?? [];
    const fresh = waiting.filter((message) => message.seq > attached.seq);
    // The floor covers what this connection gets here, so a batch flushed later cannot repeat it.
    const ready: SocketState = { ...state, floorSeq: Math.max(attached.seq, ...fresh.map((message) => message.seq)) };
    writeSocketState(server, ready);
    if (ready.mode === "v1") {
      server.send(encodeWelcomeFor(core.roomName, ready, { ...attached, missed: attached.replay.length }, core.config.limits));
    }
    for (const message of attached.replay) core.delivery.deliver(server, ready, message);
    for (const message of attached.snapshots) core.delivery.deliver(server, ready, message, true);
    this.pendingAttach.delete(ready.id);
    for (const message of fresh) core.delivery.deliver(server, ready, message);
    if (ready.tokenExpiresAtMs !== undefined) await core.expiry.watch(ready.tokenExpiresAtMs);
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
      log("error", { room: this.core.roomName, code: Close.primaryUnavailable.code, where: "ShardRoom.askPrimaryDuringUpgrade", error, reason: "primary unavailable" });
      return undefined;
    }
  }

  /** The primary's member registry forgets the connection (its presence `left` goes to every shard). */
  departed(state: SocketState | null): void {
    if (!state) return;
    const core = this.core;
    const detached = core.primaryStub().detachConnection(core.roomName, state.id).catch((error: unknown) => {
      log("error", { room: core.roomName, connectionId: state.id, where: "ShardRoom.departed", reason: "primary not told of a departure", error });
    });
    core.ctx.waitUntil(detached);
  }

  deliver(message: StoredMessage): void {
    this.core.sockets.fanOut(message);
  }

  /** A shard's frame reaches the other shards only through the primary's ordered fan-out. */
  relayBinary(state: SocketState, data: ArrayBuffer): void {
    this.binaryLink.relay({ from: state.id, data });
  }

  /** The target may sit on another shard: the primary knows where. */
  direct(to: string, from: string, dataJson: string): boolean | Promise<boolean> {
    const now = Date.now();
    if (this.core.sockets.direct(to, from, dataJson, now)) return true;
    return this.core.primaryStub().routeDirect(this.core.roomName, to, from, dataJson, now);
  }

  /** A shard's snapshots come from the primary, in this reply's place. */
  sendSnapshots(ws: WebSocket, state: SocketState, filters: readonly string[]): void {
    if (filters.length === 0) return;
    const core = this.core;
    const slot = core.pipeline.hold();
    core
      .primaryStub()
      .snapshotsFor(core.roomName, [...filters])
      .then(readMessageStream)
      .then(
        (messages) => slot.fill(() => messages.forEach((message) => core.delivery.deliver(ws, state, message, true))),
        (error) => slot.fill(() => log("error", { where: "ShardRoom.sendSnapshots", room: core.roomName, connectionId: state.id, reason: "snapshots unavailable", error })),
      );
  }

  presenceChanged(state: SocketState): void {
    const core = this.core;
    core.primaryStub()
      .updateMember(core.roomName, this.shard, memberOf(state))
      .catch((error: unknown) => {
        // The primary keeps the earlier state until a later change reaches it; the connection stays.
        log("error", { room: core.roomName, connectionId: state.id, where: "ShardRoom.presenceChanged", reason: "primary not told of a presence change", error });
      });
  }

  /** This shard's own connections (the Worker asks the primary for the whole room). */
  async info(room: string): Promise<RoomInfo> {
    return this.core.localInfo(room);
  }

  async kick(connectionId: string): Promise<boolean> {
    return this.core.sockets.kick(connectionId);
  }

  async closeForDelete(): Promise<void> {
    // The primary deletes a sharded room and closes every shard (closeAll); nothing else is here.
  }

  cancel(): void {
    // The links drain what they hold; the attach map lives and dies with this role.
  }

  /** The primary reports for the whole room; a shard never does. */
  occupancyTruth(): undefined {
    return undefined;
  }

  async pruneOccupancy(): Promise<void> {
    // Nothing to prune: the primary asks this shard for its connection ids instead.
  }

  /** A shard drains its own sockets only, when its primary asks. */
  async drainElsewhere(_overMs: number): Promise<number> {
    return 0;
  }
}
