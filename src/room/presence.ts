/**
 * @module presence
 * Who is in the room, by connection and by user, and batched presence diffs (docs/protocol.md §3).
 * The member list is derived from the sockets' attachments, never kept only in memory; diffs
 * are collected for PRESENCE_FLUSH_MS so a burst of joins costs one frame per connection. The
 * frame shapes and their encoders are the wire format's (shared/protocol).
 */
import type { Member, PresenceDiff, UserView } from "../shared/protocol";
import type { SocketState } from "./socket-state";

export { PRESENCE_FLUSH_MS } from "./presence-mode";

export function memberOf(state: SocketState): Member {
  return {
    connectionId: state.id,
    ...(state.userId ? { userId: state.userId } : {}),
    ...(state.presenceJson === undefined ? {} : { state: JSON.parse(state.presenceJson) as unknown }),
  };
}

/** Users with how many connections each, from the open sockets' states. */
export function usersOf(states: Iterable<SocketState>): UserView[] {
  const counts = new Map<string, number>();
  for (const state of states) if (state.userId) counts.set(state.userId, (counts.get(state.userId) ?? 0) + 1);
  return [...counts].map(([userId, connections]) => ({ userId, connections }));
}

/** Collects changes until flushed; `usersBefore` is the user set at the first change. */
export class PresenceBatch {
  private joined = new Map<string, Member>();
  private left = new Set<string>();
  private updated = new Map<string, Member>();
  private usersBefore: Set<string> | undefined;

  get isEmpty(): boolean {
    return this.joined.size === 0 && this.left.size === 0 && this.updated.size === 0;
  }

  /** Call before the first change of a batch with the users present right then. */
  begin(currentUsers: () => Set<string>): void {
    this.usersBefore ??= currentUsers();
  }

  join(member: Member): void {
    this.left.delete(member.connectionId);
    this.joined.set(member.connectionId, member);
  }

  leave(connectionId: string): void {
    // A connection that joined and left within one batch never needs announcing.
    if (this.joined.delete(connectionId)) {
      this.updated.delete(connectionId);
      return;
    }
    this.updated.delete(connectionId);
    this.left.add(connectionId);
  }

  update(member: Member): void {
    if (this.joined.has(member.connectionId)) this.joined.set(member.connectionId, member);
    else this.updated.set(member.connectionId, member);
  }

  /** The diff since `begin`, and a fresh batch. */
  take(usersNow: Set<string>): PresenceDiff {
    const before = this.usersBefore ?? new Set<string>();
    const diff: PresenceDiff = {
      joined: [...this.joined.values()],
      left: [...this.left],
      updated: [...this.updated.values()],
      usersJoined: [...usersNow].filter((user) => !before.has(user)),
      usersLeft: [...before].filter((user) => !usersNow.has(user)),
    };
    this.joined = new Map();
    this.left = new Set();
    this.updated = new Map();
    this.usersBefore = undefined;
    return diff;
  }
}
