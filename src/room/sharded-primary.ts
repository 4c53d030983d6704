/**
 * @module sharded-primary
 * The primary of a sharded room (docs/protocol.md §8 `shards` > 1): holds no sockets; its pipeline
 * (pipeline.ts) sequences and stores every message (from the HTTP API and from shards) and
 * `relay`s each one once durable; this keeps the member registry and fans messages, presence
 * and binary frames out to every shard in order. Presence lists or counts on the logical room's
 * size, as a whole room does (presence-mode.ts).
 */
import type { StoredMessage } from "../shared/protocol";
import type { History } from "./history";
import { MemberRegistry } from "./member-registry";
import { PresenceBatch, encodePresenceDiff, type Member } from "./presence";
import { PresenceModeTracker, encodePresenceCounts, encodePresenceList, type PresenceCounts } from "./presence-mode";
import { resumePlan } from "./resume";
import { ShardFanout, type ShardTarget } from "./shard-fanout";
import type { AttachRequest, AttachResult, BinaryFrame } from "./shard-protocol";
import type { TopicSnapshots } from "./topic-snapshots";

export interface PrimaryStores {
  history: History;
  snapshots: TopicSnapshots;
  sql: SqlStorage;
}

export interface ShardStub extends ShardTarget {
  deliverDirect(to: string, from: string, dataJson: string, ts: number): Promise<boolean>;
  kick(connectionId: string): Promise<boolean>;
}

export class ShardedPrimary {
  readonly members: MemberRegistry;
  private readonly fanout: ShardFanout;
  private readonly presence = new PresenceBatch();
  private readonly presenceMode: PresenceModeTracker;
  private presenceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly stores: PrimaryStores,
    readonly shardCount: number,
    private readonly shard: (index: number) => ShardStub,
    room: () => string,
    presenceListMaxMembers: number,
  ) {
    this.members = new MemberRegistry(stores.sql);
    this.presenceMode = new PresenceModeTracker(presenceListMaxMembers);
    this.fanout = new ShardFanout(shardCount, shard, room);
  }

  /** Hands a durable message (the room's pipeline calls this in seq order) to every shard. */
  relay(message: StoredMessage): void {
    this.fanout.push({ message });
  }

  /** A shard's binary frame goes to every shard (the sender's too) in the same order as messages. */
  relayBinary(frame: BinaryFrame): void {
    this.fanout.push({ binary: frame });
  }

  /**
   * Registers a new connection of a shard and tells it what to replay: all in one turn, up to
   * `headSeq` (the newest delivered seq); later messages reach the shard through `relay`.
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
    return shard === undefined ? false : this.shard(shard).deliverDirect(to, from, dataJson, ts);
  }

  async kick(connectionId: string): Promise<boolean> {
    const shard = this.members.shardOf(connectionId);
    return shard === undefined ? false : this.shard(shard).kick(connectionId);
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

  cancel(): void {
    if (this.presenceTimer !== undefined) clearTimeout(this.presenceTimer);
    this.presenceTimer = undefined;
    this.presence.take(new Set());
  }
}
