/**
 * @module stomp-room-requests
 * What a STOMP connection waits for from its room link, runtime-free. The room answers frames in
 * order, so a `ping` sent after a frame is answered (pong) once that frame was handled: that
 * gives RECEIPTs for frames the room does not ack, and tells which subscription the snapshots
 * arriving now belong to (those between a subscribe and its ping's pong). Publishes with a
 * receipt carry an id the room acks.
 */
import { MAX_PENDING_REQUESTS } from "../../shared/limits";

export type PendingPing = { kind: "receipt"; receipt: string } | { kind: "subscribe"; subscriptionId: string; receipt?: string } | { kind: "disconnect"; receipt: string };

export class RoomRequests {
  private readonly pings = new Map<string, PendingPing>();
  /** Subscribe pings in send order; the first one owns the snapshots arriving now. */
  private readonly snapshotOwners: string[] = [];
  /** Publish id → the receipt its ack completes. */
  private readonly publishes = new Map<string, string>();
  private counter = 0;

  /** `idPrefix` is unique per connection, so ids never collide in the room's publish-id memory. */
  constructor(private readonly idPrefix: string) {}

  get full(): boolean {
    return this.pings.size + this.publishes.size >= MAX_PENDING_REQUESTS;
  }

  /** Registers a ping and returns the id to send it with. */
  ping(pending: PendingPing): string {
    const id = this.newId(pending.kind[0]!);
    this.pings.set(id, pending);
    if (pending.kind === "subscribe") this.snapshotOwners.push(id);
    return id;
  }

  /** Registers a publish whose ack completes `receipt`; returns its publish id. */
  publish(receipt: string): string {
    const id = this.newId("p");
    this.publishes.set(id, receipt);
    return id;
  }

  takeAck(id: string): string | undefined {
    const receipt = this.publishes.get(id);
    this.publishes.delete(id);
    return receipt;
  }

  takePong(id: string): PendingPing | undefined {
    const ping = this.pings.get(id);
    if (!ping) return undefined;
    this.pings.delete(id);
    const index = this.snapshotOwners.indexOf(id);
    if (index >= 0) this.snapshotOwners.splice(index, 1);
    return ping;
  }

  /** The receipt a room error with this id fails, if it was a publish or a ping with one. */
  receiptOf(id: string): string | undefined {
    return this.publishes.get(id) ?? this.pings.get(id)?.receipt;
  }

  /** The subscription whose subscribe the room is answering now (snapshots go to it). */
  snapshotSubscription(): string | undefined {
    const owner = this.snapshotOwners[0];
    const ping = owner === undefined ? undefined : this.pings.get(owner);
    return ping?.kind === "subscribe" ? ping.subscriptionId : undefined;
  }

  private newId(kind: string): string {
    return `${this.idPrefix}.${kind}${++this.counter}`;
  }
}
