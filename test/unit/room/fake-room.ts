/**
 * @module fake-room
 * What the room's frame handling and delivery meet without the Workers runtime: sockets that
 * record what is sent and closed and keep their attachment, and an inbound host that records
 * every hook. The host's pipeline is the real one (pipeline.ts) on its shard path: each publish
 * holds a place in the real reply order and is sequenced by a scripted primary, so acks come
 * in the room's order with the seq the script gives.
 */
import { parseConfig, type Config, type RawVars } from "../../../src/config";
import { DEFAULT_POLICY, type RoomPolicy } from "../../../src/room-policies";
import { Delivery } from "../../../src/room/delivery";
import type { History } from "../../../src/room/history";
import { Inbound, type InboundHost } from "../../../src/room/inbound";
import { Pipeline } from "../../../src/room/pipeline";
import { PrimaryLink, type PrimaryTarget } from "../../../src/room/primary-link";
import type { PublishIds } from "../../../src/room/publish-ids";
import { RoomStats } from "../../../src/room/room-stats";
import type { SequenceItem } from "../../../src/room/shard-protocol";
import { ATTACHMENT_KEY, readSocketState, writeSocketState, type SocketState } from "../../../src/room/socket-state";
import type { TopicSnapshots } from "../../../src/room/topic-snapshots";

const READY_STATE_OPEN = 1;
const READY_STATE_CLOSING = 2;

/** A hibernatable socket as the room sees it: sends, closes and the attachment are recorded. */
export class FakeSocket {
  readyState = READY_STATE_OPEN;
  readonly sent: Array<string | ArrayBuffer> = [];
  readonly closes: Array<{ code?: number; reason?: string }> = [];
  /** What serializeAttachment stored (a structured clone, as the runtime keeps it). */
  attachment: unknown = null;
  /** Set to make every send throw, like a socket the runtime already closed. */
  failSends = false;

  send(payload: string | ArrayBuffer): void {
    if (this.failSends) throw new Error("WebSocket send() after close");
    this.sent.push(payload);
  }

  close(code?: number, reason?: string): void {
    this.closes.push({ code, reason });
    this.readyState = READY_STATE_CLOSING;
  }

  serializeAttachment(value: unknown): void {
    this.attachment = structuredClone(value);
  }

  deserializeAttachment(): unknown {
    return structuredClone(this.attachment);
  }

  /** The text frames sent, parsed (binary frames are left out). */
  frames(): Array<Record<string, unknown>> {
    return this.sent.filter((payload): payload is string => typeof payload === "string").map((text) => JSON.parse(text) as Record<string, unknown>);
  }

  /** The socket state as stored in the attachment (not the in-memory cache). */
  storedState(): SocketState | undefined {
    return (this.attachment as Record<string, SocketState> | null)?.[ATTACHMENT_KEY];
  }
}

/** The fake typed as both what the room takes (a WebSocket) and what the test reads. */
export type TestSocket = FakeSocket & WebSocket;

let nextConnection = 0;

export function stateOf(overrides: Partial<SocketState> = {}): SocketState {
  nextConnection++;
  return { v: 1, id: `conn-${nextConnection}`, mode: "v1", echo: false, topics: [], connectedAtMs: 0, ...overrides };
}

/** A socket with `state` already in its attachment, as the room leaves it after accepting it. */
export function socketWith(state: SocketState): TestSocket {
  // The one cast: the runtime's WebSocket cannot be built in Node; the fake has every member the room uses.
  const ws = new FakeSocket() as TestSocket;
  writeSocketState(ws, state);
  return ws;
}

/** A socket whose attachment holds no room state (a socket the room never accepted). */
export function socketWithoutState(): TestSocket {
  return new FakeSocket() as TestSocket;
}

/** Something no test expects the code under test to touch: any use of it throws, naming it. */
function untouched<T>(name: string, allowed: Record<string, unknown> = {}): T {
  return new Proxy(allowed, {
    get(target, key) {
      if (typeof key === "string" && key in target) return target[key];
      throw new Error(`unexpected use of ${name}.${String(key)}`);
    },
  }) as T;
}

/**
 * The primary a shard's pipeline asks for seqs. Answers at once with consecutive seqs from
 * `nextSeq`, or, while `holding`, keeps each call until `release()`.
 */
export class ScriptedPrimary implements PrimaryTarget {
  nextSeq = 1;
  holding = false;
  readonly items: SequenceItem[] = [];
  private readonly held: Array<() => void> = [];

  sequenceFromShard(_room: string, items: SequenceItem[]): Promise<number[]> {
    this.items.push(...items);
    const seqs = items.map(() => this.nextSeq++);
    if (!this.holding) return Promise.resolve(seqs);
    return new Promise((resolve) => this.held.push(() => resolve(seqs)));
  }

  /** Answers every held call. */
  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }
}

/** An inbound host that records every hook; `direct` answers from `connections` (or `directAnswer`). */
export class RecordingHost implements InboundHost {
  readonly config: Config;
  policy: RoomPolicy = { ...DEFAULT_POLICY };
  readonly sendFailures: Array<{ ws: WebSocket; state: SocketState; error: unknown }> = [];
  readonly delivery = new Delivery((ws, state, error) => this.sendFailures.push({ ws, state, error }));
  // Counters stay in memory: the table statements go nowhere and a flush only asks for a write.
  readonly stats = new RoomStats(untouched<SqlStorage>("sql", { exec: () => ({ toArray: () => [] }) }), () => {});
  readonly primary = new ScriptedPrimary();
  readonly pipeline = new Pipeline({
    storage: untouched<DurableObjectStorage>("storage"),
    stores: () => ({ history: untouched<History>("history", { seq: 0 }), snapshots: untouched<TopicSnapshots>("snapshots"), publishIds: untouched<PublishIds>("publishIds") }),
    primaryLink: () => this.link,
    deliver: () => {
      throw new Error("a shard's pipeline delivers nothing itself");
    },
    writeAlong: () => {},
    room: () => "room-under-test",
  });
  private readonly link = new PrimaryLink(
    () => this.primary,
    () => "room-under-test",
  );

  readonly relayed: Array<{ from: string; data: ArrayBuffer }> = [];
  readonly directs: Array<{ to: string; from: string; dataJson: string }> = [];
  /** Connection ids `direct` finds; `directAnswer` overrides (a shard's routed answer). */
  connections = new Set<string>();
  directAnswer: ((to: string) => boolean | Promise<boolean>) | undefined;
  readonly snapshotRequests: Array<{ connectionId: string; topics: string[]; filters: string[] }> = [];
  readonly presenceChanges: SocketState[] = [];
  readonly roomName = "room-under-test";
  /** Deadlines asked of the token-expiry job (an `auth` frame's new expiry). */
  readonly expiryWatches: number[] = [];

  constructor(vars: RawVars = {}) {
    this.config = parseConfig(vars);
  }

  relayBinary(_ws: WebSocket, state: SocketState, data: ArrayBuffer): void {
    this.relayed.push({ from: state.id, data });
  }

  direct(to: string, from: string, dataJson: string): boolean | Promise<boolean> {
    this.directs.push({ to, from, dataJson });
    return this.directAnswer ? this.directAnswer(to) : this.connections.has(to);
  }

  sendSnapshots(_ws: WebSocket, state: SocketState, filters: readonly string[]): void {
    this.snapshotRequests.push({ connectionId: state.id, topics: [...state.topics], filters: [...filters] });
  }

  presenceChanged(state: SocketState): void {
    this.presenceChanges.push(state);
  }

  async watchExpiry(expiresAtMs: number): Promise<void> {
    this.expiryWatches.push(expiresAtMs);
  }
}

/** Lets the pipeline's promises (the primary's answers, reply-order slots) settle. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A room's frame handling over a recording host; `receive` passes the socket's current state, as the Durable Object does. */
export function inboundRoom(vars: RawVars = {}) {
  const host = new RecordingHost(vars);
  const inbound = new Inbound(host);
  const receive = (ws: TestSocket, message: string | ArrayBuffer) => inbound.onMessage(ws, readSocketState(ws)!, message);
  const frame = (ws: TestSocket, value: Record<string, unknown>) => receive(ws, JSON.stringify(value));
  return { host, receive, frame };
}

/** A fresh connection with `overrides` in its attachment. */
export function connect(overrides: Partial<SocketState> = {}): TestSocket {
  return socketWith(stateOf(overrides));
}
