/**
 * @module single-room
 * The role of a room served by one object: it holds every socket, sequences its own publishes
 * (pipeline.ts), delivers them here, keeps presence from its sockets (local-presence.ts) and
 * redeems its own tickets. The primary of a sharded room builds on it (sharded-primary.ts).
 */
import { encodeWelcomeFor, type RoomView, type StoredMessage } from "../shared/protocol";
import { log } from "../log";
import { resumePlan, type ResumePlan } from "./resume";
import type { OccupancyTruth } from "./occupancy-diff";
import type { RoomCore } from "./room-core";
import type { RoomInfo, RoomRole } from "./room-role";
import type { SocketState } from "./socket-state";

export class SingleRoom implements RoomRole {
  constructor(protected readonly core: RoomCore) {}

  maxConnections(roomTotal: number): number {
    return roomTotal;
  }

  async redeemTicket(ticketId: string, expiresAtMs: number): Promise<boolean> {
    return this.core.tickets.redeem(ticketId, expiresAtMs, Date.now());
  }

  /** Accepts the socket, then welcome, replay or snapshots, then presence `joined`. */
  async connect(server: WebSocket, state: SocketState, url: URL): Promise<void> {
    const core = this.core;
    const announceJoin = core.presence.arrive(state);
    core.sockets.accept(server, state);
    core.stats.countConnection();
    core.occupancy.changed();
    log("connect", { room: core.roomName, connectionId: state.id });

    const plan = resumePlan(url.searchParams, core.history, state.topics, Date.now(), core.pipeline.deliveredSeq);
    if (state.mode === "v1") server.send(encodeWelcomeFor(core.roomName, state, this.view(plan), core.config.limits));
    if (plan?.recovered) for (const message of plan.messages) core.delivery.deliver(server, state, message);
    else this.sendSnapshots(server, state, state.topics);
    announceJoin();
    if (state.tokenExpiresAtMs !== undefined) await core.expiry.watch(state.tokenExpiresAtMs);
  }

  /** What a new connection is told in its welcome. */
  private view(plan: ResumePlan): RoomView {
    return {
      epoch: this.core.history.epoch,
      seq: this.core.pipeline.deliveredSeq,
      ...(plan ? { recovered: plan.recovered, missed: plan.recovered ? plan.messages.length : undefined } : {}),
      ...this.core.presence.view(),
    };
  }

  departed(state: SocketState | null): void {
    this.core.presence.left(state);
    this.core.occupancy.changed();
  }

  deliver(message: StoredMessage): void {
    this.core.sockets.fanOut(message);
  }

  relayBinary(state: SocketState, data: ArrayBuffer): void {
    this.core.sockets.relayBinary(state.id, data);
  }

  direct(to: string, from: string, dataJson: string): boolean {
    return this.core.sockets.direct(to, from, dataJson, Date.now());
  }

  sendSnapshots(ws: WebSocket, state: SocketState, filters: readonly string[]): void {
    if (filters.length === 0) return;
    const core = this.core;
    for (const message of core.snapshots.matching(filters, core.pipeline.deliveredSeq)) core.delivery.deliver(ws, state, message, true);
  }

  presenceChanged(state: SocketState): void {
    this.core.presence.changed(state);
  }

  async info(room: string): Promise<RoomInfo> {
    return this.core.localInfo(room);
  }

  async kick(connectionId: string): Promise<boolean> {
    return this.core.sockets.kick(connectionId);
  }

  async closeForDelete(): Promise<void> {
    // Every socket is here: the core closes them.
  }

  cancel(): void {
    // No timers of its own: presence and batching belong to the core.
  }

  /** Every socket is here; an anonymous connection is its own user (by connection id). */
  occupancyTruth(): OccupancyTruth | undefined {
    let connections = 0;
    const users = new Set<string>();
    for (const [, state] of this.core.sockets.open()) {
      connections++;
      users.add(state.userId ?? state.id);
    }
    return { connections, users };
  }

  async pruneOccupancy(): Promise<void> {
    // The runtime's socket list is the truth here: nothing to prune.
  }

  /** A single room holds every socket itself. */
  async drainElsewhere(_overMs: number): Promise<number> {
    return 0;
  }
}
