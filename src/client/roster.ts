/**
 * @module roster
 * The room's presence list as this client knows it: replaced by each welcome, then changed by
 * `presence` frames (joined / left / updated).
 */
import type { PresenceChange } from "./events";
import type { Member } from "./server-frames";

export class Roster {
  private readonly byConnection = new Map<string, Member>();

  get members(): Member[] {
    return [...this.byConnection.values()];
  }

  reset(members: Member[]): PresenceChange {
    this.byConnection.clear();
    for (const member of members) this.byConnection.set(member.connectionId, member);
    return { members: this.members, joined: members, left: [], updated: [], sync: true };
  }

  apply(change: { joined: Member[]; left: string[]; updated: Member[] }): PresenceChange {
    for (const member of change.joined) this.byConnection.set(member.connectionId, member);
    for (const member of change.updated) this.byConnection.set(member.connectionId, member);
    for (const connectionId of change.left) this.byConnection.delete(connectionId);
    return { members: this.members, ...change, sync: false };
  }
}
