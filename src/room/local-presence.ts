/**
 * @module local-presence
 * Presence of a room whose sockets are all here (docs/protocol.md §3): joins, leaves and state
 * changes batched into one diff, list or count frame per flush (presence.ts, presence-mode.ts),
 * and the presence part of a welcome. Only v1 sockets hear presence, so a room without any
 * skips the bookkeeping. A shard's presence is its primary's (sharded-primary.ts).
 */
import { DEFAULT_PRESENCE_LIST_MAX_MEMBERS, MAX_MEMBERS_IN_WELCOME } from "../shared/limits";
import { encodePresenceCounts, encodePresenceDiff, encodePresenceList, type PresenceCounts, type RoomView } from "../shared/protocol";
import type { LocalSockets } from "./local-sockets";
import { PresenceBatch, memberOf, usersOf } from "./presence";
import { PresenceModeTracker } from "./presence-mode";
import type { SocketState } from "./socket-state";

/** The presence fields of a welcome. */
export type PresenceView = Pick<RoomView, "members" | "memberCount" | "users" | "presence" | "userCount">;

export class LocalPresence {
  private readonly batch = new PresenceBatch();
  /** Lists or counts (presence-mode.ts), by the policy's presenceListMaxMembers. */
  private mode = new PresenceModeTracker(DEFAULT_PRESENCE_LIST_MAX_MEMBERS);
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Open v1 sockets, presence frames' only audience; counted when first needed. */
  private v1Sockets: number | undefined;

  constructor(private readonly sockets: LocalSockets) {}

  /** A new policy: the mode starts over at its listing limit. */
  configure(listMaxMembers: number): void {
    this.mode = new PresenceModeTracker(listMaxMembers);
  }

  /** The room was wiped: nothing pending, no timer, the mode starts over. */
  reset(listMaxMembers: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.batch.take(new Set());
    this.configure(listMaxMembers);
  }

  /**
   * Call before the socket is accepted, so the user set "before" leaves it out. Returns the
   * announcement of the join, to make once its welcome is out.
   */
  arrive(state: SocketState): () => void {
    // Only v1 sockets get presence frames: with none in the room, a raw join is announced to nobody.
    const announce = state.mode === "v1" || this.wanted();
    if (state.mode === "v1" && this.v1Sockets !== undefined) this.v1Sockets++;
    // A counting room keeps no diff, so it skips the scan of every socket that `begin` makes.
    const listing = announce && this.mode.current !== "counts";
    if (listing) this.batch.begin(() => this.sockets.currentUsers());
    return () => {
      if (!announce) return;
      if (listing) this.batch.join(memberOf(state));
      else this.mode.unrecordedChange();
      this.schedule();
    };
  }

  /** A socket departed (recorded once by the core); `state` is null for a foreign attachment. */
  left(state: SocketState | null): void {
    if (state?.mode === "v1" && this.v1Sockets !== undefined) this.v1Sockets--;
    if (state === null || !this.wanted()) return;
    const listing = this.mode.current !== "counts";
    if (listing) {
      // The runtime marks the socket closing before this handler runs, so add its user back:
      // "before" must be the user set while this connection was still here.
      this.batch.begin(() => {
        const users = this.sockets.currentUsers();
        if (state.userId) users.add(state.userId);
        return users;
      });
      this.batch.leave(state.id);
    } else this.mode.unrecordedChange();
    this.schedule();
  }

  changed(state: SocketState): void {
    // A counting room broadcasts no states; the change shows in the list if the room lists again.
    if (this.mode.current === "counts") {
      this.mode.unrecordedChange();
      return;
    }
    this.batch.begin(() => this.sockets.currentUsers());
    this.batch.update(memberOf(state));
    this.schedule();
  }

  /** What a new connection is told about the room's presence; the mode notes it was told. */
  view(): PresenceView {
    // A counting room's welcome needs two numbers: the running tally, not a scan of every socket.
    const counts = this.sockets.counts();
    const mode = this.mode.modeFor(counts.connections);
    this.mode.welcomed(mode);
    if (mode === "counts") return { memberCount: counts.connections, members: [], presence: "counts", userCount: counts.users };
    const states = this.sockets.states();
    return { memberCount: states.length, members: states.slice(0, MAX_MEMBERS_IN_WELCOME).map(memberOf), users: usersOf(states) };
  }

  /**
   * Whether a presence change must be batched: some v1 socket is open to hear it, or a batch is
   * already collecting (it must stay consistent for whoever hears it when it flushes).
   */
  private wanted(): boolean {
    if (!this.batch.isEmpty) return true;
    if (this.v1Sockets === undefined) {
      let count = 0;
      for (const [, peer] of this.sockets.open()) if (peer.mode === "v1") count++;
      this.v1Sockets = count;
    }
    return this.v1Sockets > 0;
  }

  /** One timer at a time, and only while a change waits: an idle room keeps none (hibernation). */
  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.mode.flushDelayMs(Date.now()));
  }

  /** Sends the batched diff, the whole list or a count frame to every v1 socket (presence-mode.ts). */
  private flush(): void {
    this.timer = undefined;
    const states = this.sockets.states();
    const users = new Set<string>();
    for (const state of states) if (state.userId) users.add(state.userId);
    const counts: PresenceCounts = { memberCount: states.length, userCount: users.size };
    const plan = this.mode.flush(counts, this.batch.isEmpty, Date.now());
    const diff = this.batch.take(users);
    // Every v1 socket left meanwhile: nobody to tell (a later welcome says what the room is).
    if (plan === "none" || this.v1Sockets === 0) return;
    const frame =
      plan === "diff" ? encodePresenceDiff(diff)
      : plan === "counts" ? encodePresenceCounts(counts)
      : encodePresenceList(states.slice(0, MAX_MEMBERS_IN_WELCOME).map(memberOf), states.length, usersOf(states));
    this.sockets.sendToV1(frame);
  }
}
