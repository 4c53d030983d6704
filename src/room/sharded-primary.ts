/**
 * @module sharded-primary
 * The role of the primary of a sharded room (docs/protocol.md §8 `shards` > 1), named after the
 * room itself. Its pipeline (pipeline.ts) sequences and stores every message (from the HTTP API
 * and from shards) and hands each one, once durable, to `deliver`, which fans it out to every
 * shard in order (shard-fanout.ts) with presence and binary frames. It keeps the member
 * registry, answers the shards' attach, detach, update, snapshot and direct calls, and speaks
 * for the whole room in info, kick and delete. Presence lists or counts on the logical room's
 * size, as a whole room does (presence-mode.ts).
 *
 * It holds no sockets: the Worker places every connection on a shard. What it would do with one
 * anyway is what a single room does, which it builds on (single-room.ts).
 */
import { log } from "../log";
import { Close } from "../shared/closes";
import { encodePresenceCounts, encodePresenceDiff, encodePresenceList, type Member, type PresenceCounts, type StoredMessage } from "../shared/protocol";
import { MemberRegistry } from "./member-registry";
import type { OccupancyTruth } from "./occupancy-diff";
import { PresenceBatch } from "./presence";
import { PresenceModeTracker } from "./presence-mode";
import { resumePlan } from "./resume";
import type { RoomCore } from "./room-core";
import type { RoomInfo } from "./room-role";
import { combineStats } from "./room-stats";
import { ShardFanout } from "./shard-fanout";
import type { AttachRequest, AttachResult, BinaryFrame, ShardStats } from "./shard-protocol";
import { SingleRoom } from "./single-room";

export class ShardedPrimary extends SingleRoom {
  readonly members: MemberRegistry;
  private readonly fanout: ShardFanout;
  private readonly presence = new PresenceBatch();
  private readonly presenceMode: PresenceModeTracker;
  private presenceTimer: ReturnType<typeof setTimeout> | undefined;
  /** The stores as they were when the role was chosen (a wipe chooses the role again). */
  private readonly stores: Pick<RoomCore, "history" | "snapshots">;

  constructor(
    core: RoomCore,
    readonly shardCount: number,
    presenceListMaxMembers: number,
  ) {
    super(core);
    this.stores = { history: core.history, snapshots: core.snapshots };
    this.members = new MemberRegistry(core.ctx.storage.sql);
    this.presenceMode = new PresenceModeTracker(presenceListMaxMembers);
    this.fanout = new ShardFanout(shardCount, (index) => core.shardStub(index), () => core.roomName);
  }

  /** A durable message (the room's pipeline calls this in seq order) goes to every shard. */
  override deliver(message: StoredMessage): void {
    this.fanout.push({ message });
  }

  /** A shard's binary frame goes to every shard (the sender's too) in the same order as messages. */
  relayFromShard(frame: BinaryFrame): void {
    this.fanout.push({ binary: frame });
  }

  /**
   * Registers a new connection of a shard and tells it what to replay: all in one turn, up to
   * `headSeq` (the newest delivered seq); later messages reach the shard through `deliver`.
   */
  attach(request: AttachRequest, nowMs: number, headSeq: number): AttachResult {
    const { history, snapshots } = this.stores;
    const params = new URLSearchParams();
    if (request.since !== null) params.set("since", request.since);
    if (request.epoch !== null) params.set("epoch", request.epoch);
    const plan = resumePlan(params, history, request.topics, nowMs, headSeq);
    // A counting room keeps no diff, so it skips the user query that `begin` makes.
    const listing = this.presenceMode.current !== "counts";
    if (listing) this.presence.begin(() => this.members.userSet());
    this.members.put(request.shard, request.member);
    if (listing) this.presence.join(request.member);
    else this.presenceMode.unrecordedChange();
    this.schedulePresenceFlush();
    this.core.occupancy.changed();
    const memberCount = this.members.count();
    const mode = this.presenceMode.modeFor(memberCount);
    this.presenceMode.welcomed(mode);
    return {
      epoch: history.epoch,
      seq: headSeq,
      ...(plan ? { recovered: plan.recovered } : {}),
      replay: plan?.recovered ? plan.messages : [],
      snapshots: plan?.recovered || request.topics.length === 0 ? [] : snapshots.matching(request.topics, headSeq),
      memberCount,
      ...(mode === "list"
        ? { members: this.members.list(), users: this.members.users() }
        : { members: [], presence: "counts" as const, userCount: this.members.userCount() }),
    };
  }

  detach(connectionId: string): void {
    const listing = this.presenceMode.current !== "counts";
    const users = listing ? this.members.userSet() : new Set<string>();
    const gone = this.members.remove(connectionId);
    if (!gone) return;
    if (!listing) this.presenceMode.unrecordedChange();
    else {
      this.presence.begin(() => users);
      this.presence.leave(connectionId);
    }
    this.schedulePresenceFlush();
    this.core.occupancy.changed();
  }

  update(shard: number, member: Member): void {
    // A counting room broadcasts no states; the registry keeps it for when the room lists again.
    if (this.presenceMode.current === "counts") {
      this.members.put(shard, member);
      this.presenceMode.unrecordedChange();
      return;
    }
    this.presence.begin(() => this.members.userSet());
    this.members.put(shard, member);
    this.presence.update(member);
    this.schedulePresenceFlush();
  }

  snapshotsFor(filters: string[], headSeq: number): StoredMessage[] {
    return this.stores.snapshots.matching(filters, headSeq);
  }

  async routeDirect(to: string, from: string, dataJson: string, ts: number): Promise<boolean> {
    const shard = this.members.shardOf(to);
    return shard === undefined ? false : this.core.shardStub(shard).deliverDirect(to, from, dataJson, ts);
  }

  /** The connection's shard closes it. */
  override async kick(connectionId: string): Promise<boolean> {
    const shard = this.members.shardOf(connectionId);
    return shard === undefined ? false : this.core.shardStub(shard).kick(connectionId);
  }

  /** The room's info: the primary's registry and history, every shard's counters. */
  override async info(room: string): Promise<RoomInfo> {
    const core = this.core;
    const shards = await Promise.all(Array.from({ length: this.shardCount }, (_, index) => this.shardStats(index)));
    const { counters, recentCloses } = combineStats({ counters: core.stats.counters, recentCloses: core.stats.recentCloses() }, shards);
    const perShard = this.members.perShard();
    return {
      room,
      epoch: core.history.epoch,
      seq: core.history.seq,
      connections: this.members.count(),
      users: this.members.users().length,
      members: this.members.list(),
      counters,
      recentCloses,
      shards: Array.from({ length: this.shardCount }, (_, index) => perShard[index] ?? 0),
      placement: core.placement,
      shardPlacements: shards.map((shard) => shard?.placement ?? null),
    };
  }

  /** Every shard drains its own connections over the same window; the total being drained. */
  override async drainElsewhere(overMs: number): Promise<number> {
    const core = this.core;
    const counts = await Promise.all(
      Array.from({ length: this.shardCount }, async (_, index) => {
        try {
          return (await core.shardStub(index).drain(core.roomName, overMs, index)).connections;
        } catch (error) {
          // The other shards drain anyway; this one's sockets close when the deploy restarts it.
          log("error", { room: core.roomName, where: "ShardedPrimary.drainElsewhere", reason: `shard ${index} did not start its drain`, error });
          return 0;
        }
      }),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /** A shard that does not answer is left out of the counters; the info still answers. */
  private async shardStats(index: number): Promise<ShardStats | undefined> {
    try {
      return await this.core.shardStub(index).shardStats(this.core.roomName, index);
    } catch (error) {
      log("error", { room: this.core.roomName, where: "ShardedPrimary.info", reason: `shard ${index} gave no stats`, error });
      return undefined;
    }
  }

  /** Every shard closes its sockets with 1001 before the room's storage is wiped. */
  override async closeForDelete(): Promise<void> {
    await Promise.all(
      Array.from({ length: this.shardCount }, async (_, index) => {
        try {
          await this.core.shardStub(index).closeAll(Close.roomDeleted.code, Close.roomDeleted.reason);
        } catch (error) {
          // The room is deleted anyway; that shard's sockets stay until they leave or the shard restarts.
          log("error", { room: this.core.roomName, where: "ShardedPrimary.closeForDelete", reason: `shard ${index} did not close its connections`, error });
        }
      }),
    );
  }

  /** The whole room, from the registry: every shard's connections. */
  override occupancyTruth(): OccupancyTruth {
    return { connections: this.members.count(), users: this.members.occupancyUsers() };
  }

  /**
   * Members whose shard no longer holds their socket (a crash lost it without a close) are
   * detached. The ids are read before asking: a shard accepts a socket before attaching it, so a
   * registered id missing from the shard's answer is gone; later attaches are not in the list read.
   */
  override async pruneOccupancy(): Promise<void> {
    const perShard = this.members.perShard();
    await Promise.all(
      Array.from({ length: this.shardCount }, async (_, index) => {
        if (!perShard[index]) return;
        const registered = this.members.idsOnShard(index);
        let live: Set<string>;
        try {
          live = new Set(await this.core.shardStub(index).shardConnectionIds());
        } catch (error) {
          log("error", { room: this.core.roomName, where: "ShardedPrimary.pruneOccupancy", reason: `shard ${index} gave no connection ids`, error });
          return;
        }
        for (const id of registered) if (!live.has(id)) this.detach(id);
      }),
    );
  }

  /** One timer at a time, and only while a change waits: an idle primary keeps none. */
  private schedulePresenceFlush(): void {
    this.presenceTimer ??= setTimeout(() => this.flushPresence(), this.presenceMode.flushDelayMs(Date.now()));
  }

  /** The diff, the whole list or a count frame, to every shard in order with messages. */
  private flushPresence(): void {
    this.presenceTimer = undefined;
    const counts: PresenceCounts = { memberCount: this.members.count(), userCount: this.members.userCount() };
    const plan = this.presenceMode.flush(counts, this.presence.isEmpty, Date.now());
    const diff = this.presence.take(plan === "diff" ? this.members.userSet() : new Set());
    if (plan === "diff") this.fanout.push({ presence: encodePresenceDiff(diff) });
    else if (plan === "counts") this.fanout.push({ presence: encodePresenceCounts(counts) });
    else if (plan === "list") this.fanout.push({ presence: encodePresenceList(this.members.list(), counts.memberCount, this.members.users()) });
  }

  override cancel(): void {
    super.cancel();
    if (this.presenceTimer !== undefined) clearTimeout(this.presenceTimer);
    this.presenceTimer = undefined;
    this.presence.take(new Set());
  }
}
