/**
 * @module events
 * The SDK's events, their payloads, and a tiny typed emitter. A throwing handler never breaks
 * the client: its error is reported the way the platform reports uncaught errors.
 */
import type { Member, MessageFields } from "../shared/protocol";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

export interface StateChange {
  state: ConnectionState;
  /** The close code that caused `reconnecting` or `closed` (1006: link lost, no close frame). */
  code?: number;
  reason?: string;
  /** `reconnecting`: how long the client waits before the next attempt. */
  delayMs?: number;
  /** `reconnecting`: attempts since the last successful connection, this one included. */
  attempt?: number;
  /** `open`: this connection's id in the room. */
  connectionId?: string;
}

export type RoomMessage = MessageFields;

export interface DirectMessage {
  from: string;
  data: unknown;
  ts: number;
}

/** `list`: the room sends its members; `counts`: it is over its list size and sends counts only. */
export type PresenceMode = "list" | "counts";

export interface PresenceChange {
  /** Every member after this change; empty while the room counts. */
  members: Member[];
  joined: Member[];
  left: string[];
  updated: Member[];
  /** True when `members` was replaced: a (re)connection's welcome, or the room switching between list and counts. */
  sync: boolean;
  mode: PresenceMode;
  /** Open connections in the room (the list's length while it lists). */
  memberCount: number;
  /** Distinct users, when the room counts. */
  userCount?: number;
}

/** How a reconnection went: emitted on every reconnect that asked the room to resume. */
export interface ResumeOutcome {
  recovered: boolean;
  /** The room's storage was recreated or wiped: seq numbering started again. */
  epochChanged: boolean;
  /** The last seq delivered before the reconnect, and the room's seq at the reconnect. */
  lastSeq: number;
  roomSeq: number;
  /** How many messages the room says were missed, when it says. */
  missed?: number;
}

/** Errors from the room (`{"type":"error"}`) and from the client itself, with a snake_case code. */
export class RoomClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly id?: string,
  ) {
    super(message);
    this.name = "RoomClientError";
  }
}

export interface RoomClientEvents {
  message: RoomMessage;
  direct: DirectMessage;
  presence: PresenceChange;
  state: StateChange;
  error: RoomClientError;
  resume: ResumeOutcome;
  /** A binary frame relayed from another connection (not sequenced, not stored). */
  binary: ArrayBuffer;
}

export type EventName = keyof RoomClientEvents;
export type Handler<K extends EventName> = (payload: RoomClientEvents[K]) => void;

function reportHandlerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === "function") report(error);
  else
    setTimeout(() => {
      throw error;
    });
}

export class Emitter {
  private readonly handlers = new Map<EventName, Set<(payload: never) => void>>();

  on<K extends EventName>(event: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as (payload: never) => void);
    return () => this.off(event, handler);
  }

  off<K extends EventName>(event: K, handler: Handler<K>): void {
    this.handlers.get(event)?.delete(handler as (payload: never) => void);
  }

  emit<K extends EventName>(event: K, payload: RoomClientEvents[K]): void {
    const set = this.handlers.get(event);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        (handler as Handler<K>)(payload);
      } catch (error) {
        reportHandlerError(error);
      }
    }
  }

  count(event: EventName): number {
    return this.handlers.get(event)?.size ?? 0;
  }
}
