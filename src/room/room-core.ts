/**
 * @module room-core
 * Everything one room object keeps whatever its role: config and policy, the SQLite stores,
 * its sockets (local-sockets.ts) and their presence (local-presence.ts), delivery, stats, the
 * message pipeline (pipeline.ts) and the inbound frame handler (inbound.ts). It learns the
 * room's name from the first call that carries it, applies the room's policy then, and picks
 * the role (room-role.ts): a shard when the Worker named a shard, the primary when the policy
 * shards the room, a single room otherwise. Each role-dependent step goes to that role.
 *
 * The Durable Object (room.ts) holds this core in a private field, so nothing here, the
 * inbound handler's hooks included, is reachable over RPC.
 */
import { configFrom, type Config } from "../config";
import type { Env } from "../env";
import type { ConnectionIdentity } from "../identity";
import { log } from "../log";
import { DEFAULT_POLICY, policyFor, type RoomPolicy } from "../room-policies";
import { closeWith } from "../shared/close-quietly";
import { Close, type NamedClose } from "../shared/closes";
import { DEFAULT_PRESENCE_LIST_MAX_MEMBERS, MAX_MEMBERS_IN_WELCOME } from "../shared/limits";
import { utf8ByteLength } from "../shared/utf8";
import { AlarmSchedule } from "./alarm-schedule";
import { Delivery } from "./delivery";
import { Drain } from "./drain";
import { History } from "./history";
import { Inbound, type InboundHost } from "./inbound";
import { LocalPresence } from "./local-presence";
import { LocalSockets, READY_STATE_OPEN, type LocalGate } from "./local-sockets";
import { Pipeline } from "./pipeline";
import { RoomOccupancy } from "./occupancy";
import { memberOf, usersOf } from "./presence";
import { PublishIds } from "./publish-ids";
import type { RoomInfo, RoomRole } from "./room-role";
import { placedStub, placementOf, type Placement } from "./room-placement";
import { RoomStats } from "./room-stats";
import { ShardRoom } from "./shard-room";
import { ShardedPrimary } from "./sharded-primary";
import { shardObjectName, type SequenceItem } from "./shard-protocol";
import { SingleRoom } from "./single-room";
import { readSocketState, type SocketState } from "./socket-state";
import { TokenExpiry } from "./token-expiry";
import { TopicSnapshots } from "./topic-snapshots";
import { UsedTickets } from "./used-tickets";

/** Why a room refuses an upgrade (capacity 1013, used ticket 4001, primary unreachable 1013). */
export type Refusal = NamedClose;

export class RoomCore {
  readonly config: Config;
  history!: History;
  snapshots!: TopicSnapshots;
  stats!: RoomStats;
  tickets!: UsedTickets;
  /** Deadlines of the jobs sharing the object's one alarm (token expiry, drain, occupancy). */
  alarms!: AlarmSchedule;
  /** A drain under way (1012 spread over a window), stepped by the alarm. */
  drain!: Drain;
  private publishIds!: PublishIds;
  readonly expiry: TokenExpiry;
  readonly delivery: Delivery;
  readonly sockets: LocalSockets;
  readonly presence: LocalPresence;
  readonly pipeline: Pipeline;
  readonly inbound: Inbound;
  /** Occupancy reports to the queue (occupancy.ts). */
  readonly occupancy: RoomOccupancy;
  roomName = "";
  policy: RoomPolicy = DEFAULT_POLICY;
  /** Set when this object is one shard of a sharded room (the Worker said so at connect). */
  private shardIndex: number | undefined;
  /** A single room until the object learns its name and policy. */
  role: RoomRole = new SingleRoom(this);
  /** The History's view of the limits: the room's policy may override the global ones. */
  private readonly historyLimits: { historyMaxMessages: number; historyMaxAgeSeconds: number };

  constructor(
    readonly ctx: DurableObjectState,
    readonly env: Env,
  ) {
    this.config = configFrom(env);
    this.historyLimits = { historyMaxMessages: this.config.limits.historyMaxMessages, historyMaxAgeSeconds: this.config.limits.historyMaxAgeSeconds };
    this.delivery = new Delivery((ws, state, error) => this.sendFailed(ws, state, error));
    const core = this;
    this.sockets = new LocalSockets(ctx, this.delivery, {
      get stats(): RoomStats {
        return core.stats;
      },
      get gate(): LocalGate | undefined {
        return core.role.gate;
      },
    });
    this.presence = new LocalPresence(this.sockets);
    this.openStorage();
    this.pipeline = new Pipeline({
      storage: ctx.storage,
      stores: () => ({ history: this.history, snapshots: this.snapshots, publishIds: this.publishIds }),
      primaryLink: () => this.role.primaryLink,
      deliver: (message) => this.role.deliver(message),
      writeAlong: () => this.stats.flushIfDirty(),
      room: () => this.roomName,
    });
    this.inbound = new Inbound(this.inboundHost());
    this.expiry = new TokenExpiry(() => this.alarms);
    this.occupancy = new RoomOccupancy({
      queue: env.OCCUPANCY_QUEUE,
      checkMs: this.config.operations.occupancyCheckSeconds * 1000,
      sql: () => ctx.storage.sql,
      room: () => this.roomName,
      truth: () => this.role.occupancyTruth(),
      prune: () => this.role.pruneOccupancy(),
      alarms: () => this.alarms,
    });
  }

  private openStorage(): void {
    const sql = this.ctx.storage.sql;
    this.history = new History(sql, this.historyLimits);
    this.snapshots = new TopicSnapshots(sql);
    this.publishIds = new PublishIds(sql);
    this.stats = new RoomStats(sql, () => this.pipeline.writeSoon());
    this.tickets = new UsedTickets(sql);
    this.alarms = new AlarmSchedule(this.ctx.storage);
    this.drain = new Drain(sql, () => this.alarms, (id) => this.sockets.closeConnection(id, Close.serviceRestart));
    const shard = this.history.getMeta("shard");
    this.shardIndex = shard === undefined ? undefined : Number(shard);
    const stored = this.history.getMeta("room");
    if (stored) this.applyPolicy(stored);
  }

  /** Every call that names the room passes here; the first one (or a new shard index) sets the role. */
  rememberRoom(name: string, shard?: number): void {
    if (shard !== undefined && this.shardIndex !== shard) {
      this.shardIndex = shard;
      this.history.setMeta("shard", String(shard));
      this.roomName = "";
    }
    if (this.roomName === name) return;
    this.applyPolicy(name);
    this.history.setMeta("room", name);
  }

  /** The first ROOM_POLICIES entry matching the room decides batching, limits, rights and the role. */
  private applyPolicy(name: string): void {
    this.roomName = name;
    this.policy = policyFor(this.config.policies, name);
    this.historyLimits.historyMaxMessages = this.policy.historyMaxMessages ?? this.config.limits.historyMaxMessages;
    this.sockets.configureBatching(this.policy);
    this.presence.configure(this.presenceListMaxMembers);
    this.role.cancel();
    if (this.shardIndex !== undefined) this.role = new ShardRoom(this, this.shardIndex);
    else if (this.policy.shards > 1) this.role = new ShardedPrimary(this, this.policy.shards, this.presenceListMaxMembers);
    else this.role = new SingleRoom(this);
  }

  /** The primary of a sharded room, for the shards' calls to it; throws on any other object. */
  primaryFor(room: string): ShardedPrimary {
    this.rememberRoom(room);
    if (!(this.role instanceof ShardedPrimary)) throw new Error("not the primary of a sharded room");
    return this.role;
  }

  /** The primary and the shards are placed by the room's policy, as the Worker places them (room-placement.ts). */
  primaryStub() {
    return placedStub(this.env.ROOMS, this.policy, this.roomName);
  }

  shardStub(index: number) {
    return placedStub(this.env.ROOMS, this.policy, shardObjectName(this.roomName, index));
  }

  /** This object's placement: its id's jurisdiction and the policy's location hint. */
  get placement(): Placement {
    return placementOf(this.ctx.id, this.policy);
  }

  private get presenceListMaxMembers(): number {
    return this.policy.presenceListMaxMembers ?? DEFAULT_PRESENCE_LIST_MAX_MEMBERS;
  }

  /** Test-only fault injection (`?fault=`): FAULT_INJECTION=on, and only where anyone may connect anyway. */
  get faultsAllowed(): boolean {
    return this.env.FAULT_INJECTION === "on" && this.config.authMode === "open";
  }

  /** Capacity (1013) and single-use tickets (4001) are the room's to decide. */
  async refusalFor(identity: ConnectionIdentity): Promise<Refusal | undefined> {
    const roomTotal = this.policy.maxConnections ?? this.config.limits.maxConnectionsPerRoom;
    if (this.sockets.isFull(this.role.maxConnections(roomTotal))) return Close.roomFull;
    if (identity.ticketId) {
      const fresh = await this.role.redeemTicket(identity.ticketId, identity.ticketExpiresAtMs ?? Date.now());
      if (fresh === undefined) return Close.primaryUnavailable;
      if (!fresh) return Close.ticketAlreadyUsed;
    }
    return undefined;
  }

  /** Records a socket's departure once: count, stats, log; then the role (presence `left`, primary). */
  depart(ws: WebSocket, code: number, reason: string): void {
    if (!this.sockets.departOnce(ws)) return;
    const state = readSocketState(ws);
    this.stats.recordClose({ connectionId: state?.id, code, reason }, Date.now());
    log("close", { room: this.roomName, connectionId: state?.id, code });
    this.role.departed(state);
  }

  /** A publish from the API or a shard counts as one message in. */
  counted(item: SequenceItem): SequenceItem {
    this.stats.countIn(utf8ByteLength(item.dataJson));
    return item;
  }

  /** Info from this object's own sockets and history (a single room, or one shard). */
  localInfo(room: string): RoomInfo {
    const states = this.sockets.states();
    return {
      room,
      epoch: this.history.epoch,
      seq: this.history.seq,
      connections: states.length,
      users: usersOf(states).length,
      members: states.slice(0, MAX_MEMBERS_IN_WELCOME).map(memberOf),
      counters: this.stats.counters,
      recentCloses: this.stats.recentCloses(),
      placement: this.placement,
    };
  }

  /**
   * Drains every connection of the room over `overMs` (1012, drain.ts): this object's own, and
   * for a sharded room's primary every shard's. Answers how many connections are being drained.
   */
  async drainRoom(overMs: number): Promise<number> {
    const ids = this.sockets.states().map((state) => state.id);
    await this.drain.start(ids, overMs, Date.now());
    return ids.length + (await this.role.drainElsewhere(overMs));
  }

  /** Closes every socket with 1001 and wipes storage; the room starts over with a new epoch. */
  async wipe(room: string | undefined): Promise<{ epoch: string }> {
    const role = this.role;
    const vacated = this.occupancy.beforeWipe();
    role.cancel();
    await role.closeForDelete();
    this.sockets.closeAll(Close.roomDeleted);
    this.presence.reset(this.presenceListMaxMembers);
    this.sockets.cancelBatch();
    await this.ctx.storage.deleteAll();
    const shard = this.shardIndex;
    this.roomName = "";
    this.openStorage();
    this.pipeline.reset();
    if (room !== undefined) this.rememberRoom(room, shard);
    await this.occupancy.afterWipe(vacated);
    return { epoch: this.history.epoch };
  }

  private sendFailed(ws: WebSocket, state: SocketState, error: unknown): void {
    // A socket already closing (its close frame is on the way) is not a failure worth a log line.
    if (ws.readyState !== READY_STATE_OPEN) return;
    log("error", { room: this.roomName, connectionId: state.id, code: Close.sendFailed.code, where: "Delivery.send", reason: Close.sendFailed.reason, error });
    closeWith(ws, Close.sendFailed);
  }

  /** The inbound handler's view of the room: current config, policy and stores; hooks go to the role. */
  private inboundHost(): InboundHost {
    const core = this;
    return {
      get config(): Config {
        return core.config;
      },
      get policy(): RoomPolicy {
        return core.policy;
      },
      get delivery(): Delivery {
        return core.delivery;
      },
      get stats(): RoomStats {
        return core.stats;
      },
      get pipeline(): Pipeline {
        return core.pipeline;
      },
      get roomName(): string {
        return core.roomName;
      },
      watchExpiry: (expiresAtMs) => core.expiry.watch(expiresAtMs),
      relayBinary: (_ws, state, data) => core.role.relayBinary(state, data),
      direct: (to, from, dataJson) => core.role.direct(to, from, dataJson),
      sendSnapshots: (ws, state, filters) => core.role.sendSnapshots(ws, state, filters),
      presenceChanged: (state) => core.role.presenceChanged(state),
    };
  }
}
