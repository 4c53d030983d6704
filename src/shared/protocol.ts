/**
 * @module protocol
 * The `roomcast.v1` wire format (docs/protocol.md §3): client frame decoding and server frame encoding.
 * Runtime-free: shared by the room and the client SDK. The decoder never throws.
 */

/** Subprotocol names a client may offer (docs/protocol.md §3, §5). */
export const SUBPROTOCOL_V1 = "roomcast.v1";
export const TOKEN_SUBPROTOCOL_PREFIX = "roomcast.token.";

/** The wire mode of one connection. */
export type WireMode = "raw" | "v1";

/** Longest client-chosen `id` (acks) and connection id accepted in a frame. */
export const MAX_FRAME_ID_LENGTH = 128;

/** Recoverable error codes sent in `{"type":"error"}` frames. */
export const ErrorCode = {
  rateLimited: "rate_limited",
  forbidden: "forbidden",
  badRequest: "bad_request",
  unknownType: "unknown_type",
  notFound: "not_found",
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export type ClientFrame =
  | { type: "publish"; data: unknown; topic?: string; id?: string }
  | { type: "direct"; to: string; data: unknown; id?: string }
  | { type: "subscribe"; topics: string[] }
  | { type: "unsubscribe"; topics: string[] }
  | { type: "presence"; state: unknown }
  | { type: "ping"; id?: string };

export type DecodeResult =
  | { ok: true; frame: ClientFrame }
  /** Not a JSON object of a valid shape: the room closes with 1007. */
  | { ok: false; kind: "invalid"; reason: string }
  /** A well-formed object with a `type` this version does not know: error frame, stays open. */
  | { ok: false; kind: "unknown_type"; type: string; id?: string };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalId(frame: JsonObject): string | undefined | false {
  const id = frame.id;
  if (id === undefined) return undefined;
  return typeof id === "string" && id.length > 0 && id.length <= MAX_FRAME_ID_LENGTH ? id : false;
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.every((item) => typeof item === "string") ? (value as string[]) : undefined;
}

function invalid(reason: string): DecodeResult {
  return { ok: false, kind: "invalid", reason };
}

/** Decodes one text frame of a `roomcast.v1` connection. Never throws. */
export function decodeClientFrame(text: string): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return invalid("frame is not JSON");
  }
  if (!isObject(parsed)) return invalid("frame is not a JSON object");
  const type = parsed.type;
  if (typeof type !== "string") return invalid("frame has no string type");
  const id = optionalId(parsed);
  if (id === false) return invalid("id must be a non-empty string");
  switch (type) {
    case "publish": {
      if (!("data" in parsed)) return invalid("publish needs data");
      const topic = parsed.topic;
      if (topic !== undefined && (typeof topic !== "string" || topic.length === 0)) {
        return invalid("topic must be a non-empty string");
      }
      return { ok: true, frame: { type, data: parsed.data, topic, id } };
    }
    case "direct": {
      const to = parsed.to;
      if (typeof to !== "string" || to.length === 0 || to.length > MAX_FRAME_ID_LENGTH) {
        return invalid("direct needs a connection id in to");
      }
      if (!("data" in parsed)) return invalid("direct needs data");
      return { ok: true, frame: { type, to, data: parsed.data, id } };
    }
    case "subscribe":
    case "unsubscribe": {
      const topics = stringList(parsed.topics);
      if (!topics) return invalid(`${type} needs topics: [string]`);
      return { ok: true, frame: { type, topics } };
    }
    case "presence":
      if (!("state" in parsed)) return invalid("presence needs state");
      return { ok: true, frame: { type, state: parsed.state } };
    case "ping":
      return { ok: true, frame: { type, id } };
    default:
      return { ok: false, kind: "unknown_type", type, id };
  }
}

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

function messageFields(message: StoredMessage): string {
  const topic = message.topic === undefined ? "" : `,"topic":${JSON.stringify(message.topic)}`;
  return `"seq":${message.seq}${topic},"from":${JSON.stringify(message.from)},"data":${message.dataJson},"ts":${message.ts}`;
}

/** The `message` frame of a stored message: built from `dataJson` without re-serializing data. */
export function encodeMessageFrame(message: StoredMessage, snapshot = false): string {
  return `{"type":"message",${messageFields(message)}${snapshot ? `,"snapshot":true` : ""}}`;
}

/** One entry of `GET /rooms/:room/messages`: the message fields without a frame type. */
export function encodeHistoryItem(message: StoredMessage): string {
  return `{${messageFields(message)}}`;
}

/** What a raw connection receives for a message: string data as-is, anything else as JSON text. */
export function rawPayload(dataJson: string): string {
  if (dataJson.charCodeAt(0) === 0x22 /* " */) {
    const value: unknown = JSON.parse(dataJson);
    if (typeof value === "string") return value;
  }
  return dataJson;
}

export function encodeError(code: ErrorCodeValue, message: string, id?: string): string {
  return JSON.stringify({ type: "error", code, message, ...(id === undefined ? {} : { id }) });
}

export function encodeAck(id: string, seq?: number): string {
  return JSON.stringify({ type: "ack", id, ...(seq === undefined ? {} : { seq }) });
}

export function encodePong(id?: string): string {
  return JSON.stringify({ type: "pong", ...(id === undefined ? {} : { id }) });
}

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
  users?: Array<{ userId: string; connections: number }>;
  /** Distinct users while the room counts. */
  userCount?: number;
  limits: Record<string, number>;
}

export function encodeWelcome(frame: Omit<WelcomeFrame, "type">): string {
  return JSON.stringify({ type: "welcome", ...frame });
}
