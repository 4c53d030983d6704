/**
 * @module roster
 * The room's presence as this client knows it. While the room lists its members: the list,
 * replaced by each welcome (or a `"presence":"list"` frame) and changed by diffs (joined / left /
 * updated). Above the room's list size (docs/protocol.md §8): no list, only the counts the room sends.
 */
import type { PresenceChange, PresenceMode } from "./events";
import type { Member, PresenceCountsFrame, PresenceDiffFrame, PresenceFrame, WelcomeServerFrame } from "../shared/protocol";

export class Roster {
  private readonly byConnection = new Map<string, Member>();
  private mode: PresenceMode = "list";
  private counted: { memberCount: number; userCount?: number } = { memberCount: 0 };

  get members(): Member[] {
    return [...this.byConnection.values()];
  }

  /** Open connections in the room: the list's length, or the room's last count. */
  get memberCount(): number {
    return this.mode === "list" ? this.byConnection.size : this.counted.memberCount;
  }

  /** A welcome: the whole list, or the counts when the room counts instead. */
  welcome(welcome: WelcomeServerFrame): PresenceChange {
    if (welcome.presence !== "counts") return this.reset(welcome.members);
    return this.reset([], { memberCount: welcome.memberCount ?? 0, ...(welcome.userCount === undefined ? {} : { userCount: welcome.userCount }) });
  }

  /** Any presence frame: a diff, a count, or the whole list again. */
  frame(frame: PresenceFrame): PresenceChange {
    if (!("mode" in frame)) return this.apply(frame);
    return frame.mode === "counts" ? this.counts(frame) : this.reset(frame.members);
  }

  /** A whole list: `counts` set when the room counts instead. */
  reset(members: Member[], counts?: { memberCount: number; userCount?: number }): PresenceChange {
    this.byConnection.clear();
    this.mode = counts ? "counts" : "list";
    if (counts) this.counted = counts;
    else for (const member of members) this.byConnection.set(member.connectionId, member);
    return this.change({ joined: counts ? [] : members, left: [], updated: [] }, true);
  }

  apply(diff: PresenceDiffFrame): PresenceChange {
    // A diff while counting (an older room) cannot be applied to a list the client does not hold.
    if (this.mode === "counts") return this.change({ joined: [], left: [], updated: [] }, false);
    for (const member of diff.joined) this.byConnection.set(member.connectionId, member);
    for (const member of diff.updated) this.byConnection.set(member.connectionId, member);
    for (const connectionId of diff.left) this.byConnection.delete(connectionId);
    return this.change({ joined: diff.joined, left: diff.left, updated: diff.updated }, false);
  }

  /** A count frame: the first one after a list drops the list (`sync`: members replaced). */
  counts(frame: PresenceCountsFrame): PresenceChange {
    const wasListing = this.mode === "list";
    this.byConnection.clear();
    this.mode = "counts";
    this.counted = { memberCount: frame.memberCount, ...(frame.userCount === undefined ? {} : { userCount: frame.userCount }) };
    return this.change({ joined: [], left: [], updated: [] }, wasListing);
  }

  private change(diff: { joined: Member[]; left: string[]; updated: Member[] }, sync: boolean): PresenceChange {
    return {
      members: this.members,
      ...diff,
      sync,
      mode: this.mode,
      memberCount: this.memberCount,
      ...(this.mode === "counts" && this.counted.userCount !== undefined ? { userCount: this.counted.userCount } : {}),
    };
  }
}
