/**
 * @module types
 * The shapes of every `roomcast.v1` frame (docs/protocol.md §3): client → room frames as the room
 * decodes them, and room → client frames as the SDK and the adapters decode them.
 */

// ---- client → room ----

export type ClientFrame =
  | { type: "publish"; data: unknown; topic?: string; id?: string }
  | { type: "direct"; to: string; data: unknown; id?: string }
  | { type: "subscribe"; topics: string[] }
  | { type: "unsubscribe"; topics: string[] }
  | { type: "presence"; state: unknown }
  | { type: "ping"; id?: string }
  /** In-band token refresh: the connection's grant is replaced by this token's (same user and room). */
  | { type: "auth"; token: string; id?: string };

export type DecodeResult =
  | { ok: true; frame: ClientFrame }
  /** Not a JSON object of a valid shape: the room closes with 1007. */
  | { ok: false; kind: "invalid"; reason: string }
  /**
   * A known frame whose field the room refuses in-band (error `bad_request`, the connection stays
   * open): only an `auth` frame's token, so a broken token function never costs the connection.
   */
  | { ok: false; kind: "bad_request"; reason: string; id?: string }
  /** A well-formed object with a `type` this version does not know: error frame, stays open. */
  | { ok: false; kind: "unknown_type"; type: string; id?: string };

// ---- messages ----

/** A sequenced message as clients see it (the fields of a `message` frame). */
export interface MessageFields {
  seq: number;
  topic?: string;
  /** Sender connection id, or "api" for HTTP publishes. */
  from: string;
  data: unknown;
  ts: number;
  /** The latest message of a topic, sent on subscribe; its seq may be older than live ones. */
  snapshot?: boolean;
}

/** A sequenced room message as stored in history. `dataJson` is the JSON text of `data`. */
export interface StoredMessage {
  seq: number;
  topic?: string;
  from: string;
  dataJson: string;
  ts: number;
}

// ---- presence ----

/** One connection as presence shows it. */
export interface Member {
  connectionId: string;
  userId?: string;
  state?: unknown;
}

/** One user of the by-user view: one user in three tabs is one entry with three connections. */
export interface UserView {
  userId: string;
  connections: number;
}

/** What changed in one presence batch (the input of `encodePresenceDiff`). */
export interface PresenceDiff {
  joined: Member[];
  left: string[];
  updated: Member[];
  usersJoined: string[];
  usersLeft: string[];
}

/** The totals a counting room sends (docs/protocol.md §8). */
export interface PresenceCounts {
  memberCount: number;
  userCount: number;
}

// ---- room → client ----

export interface WelcomeFrame {
  type: "welcome";
  room: string;
  connectionId: string;
  userId?: string;
  epoch: string;
  seq: number;
  recovered?: boolean;
  missed?: number;
  /** `"counts"`: the room is over its presenceListMaxMembers and lists nobody (docs/protocol.md §8). */
  presence?: "counts";
  /** Every connection while the room lists; empty while it counts. */
  members: unknown[];
  /** Total open connections. */
  memberCount?: number;
  /** The by-user view while the room lists: one user in three tabs is one entry with three connections. */
  users?: UserView[];
  /** Distinct users while the room counts. */
  userCount?: number;
  limits: Record<string, number>;
}

/** What the room knows at connect, for the welcome (the same whether the room is one object or a shard). */
export interface RoomView {
  epoch: string;
  seq: number;
  /** Set when the connection asked to resume: whether the room could replay what it missed. */
  recovered?: boolean;
  /** How many messages were replayed (only when recovered). */
  missed?: number;
  /** Empty when the room counts (room/presence-mode.ts). */
  members: Member[];
  memberCount: number;
  /** The by-user list while the room lists members. */
  users?: UserView[];
  /** Set when the room counts instead of listing: `userCount` replaces `users`. */
  presence?: "counts";
  userCount?: number;
}

export interface MessageFrame extends MessageFields {
  type: "message";
}

export interface WelcomeServerFrame extends Omit<WelcomeFrame, "members"> {
  members: Member[];
}

/** A presence diff: the room lists its members (docs/protocol.md §3). */
export interface PresenceDiffFrame {
  type: "presence";
  joined: Member[];
  left: string[];
  updated: Member[];
}

/** The room is over its list size and sends counts only (docs/protocol.md §8). */
export interface PresenceCountsFrame {
  type: "presence";
  mode: "counts";
  memberCount: number;
  userCount?: number;
}

/** The whole list again (the room lists once more): replaces the client's. */
export interface PresenceListFrame {
  type: "presence";
  mode: "list";
  members: Member[];
}

export type PresenceFrame = PresenceDiffFrame | PresenceCountsFrame | PresenceListFrame;

export type ServerFrame =
  | WelcomeServerFrame
  | MessageFrame
  | { type: "batch"; messages: MessageFrame[] }
  | { type: "direct"; from: string; data: unknown; ts: number }
  | { type: "ack"; id: string; seq?: number }
  | PresenceFrame
  | { type: "error"; code: string; message: string; id?: string }
  | { type: "pong"; id?: string };

export type ServerDecodeResult =
  | { ok: true; frame: ServerFrame }
  | { ok: false; kind: "invalid"; reason: string }
  /**
   * A known frame whose field the room refuses in-band (error `bad_request`, the connection stays
   * open): only an `auth` frame's token, so a broken token function never costs the connection.
   */
  | { ok: false; kind: "bad_request"; reason: string; id?: string }
  | { ok: false; kind: "unknown"; type: string };
