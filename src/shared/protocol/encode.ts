/**
 * @module encode
 * Encoding of room → client `roomcast.v1` frames (docs/protocol.md §3), used by the room and the
 * adapters. Message-carrying frames are built from stored JSON text (`dataJson`) without parsing
 * and re-serializing the data: one encoding per message, whatever the fan-out.
 */
import type { FrameErrorCode } from "../error-codes";
import type { Limits } from "../limits";
import type { Member, PresenceCounts, PresenceDiff, RoomView, StoredMessage, UserView, WelcomeFrame } from "./types";

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

/** `{"type":"batch","messages":[...]}` from already-encoded `message` frames (encodeMessageFrame). */
export function encodeBatch(messageFrames: readonly string[]): string {
  return `{"type":"batch","messages":[${messageFrames.join(",")}]}`;
}

/** A v1 `direct` frame: not sequenced, not stored; `dataJson` is the JSON text of its data. */
export function encodeDirect(from: string, dataJson: string, ts: number): string {
  return `{"type":"direct","from":${JSON.stringify(from)},"data":${dataJson},"ts":${ts}}`;
}

export function encodeError(code: FrameErrorCode, message: string, id?: string): string {
  return JSON.stringify({ type: "error", code, message, ...(id === undefined ? {} : { id }) });
}

export function encodeAck(id: string, seq?: number): string {
  return JSON.stringify({ type: "ack", id, ...(seq === undefined ? {} : { seq }) });
}

export function encodePong(id?: string): string {
  return JSON.stringify({ type: "pong", ...(id === undefined ? {} : { id }) });
}

export function encodeWelcome(frame: Omit<WelcomeFrame, "type">): string {
  return JSON.stringify({ type: "welcome", ...frame });
}

/** The welcome of one connection (`id`, `userId`) from what the room knows at connect. */
export function encodeWelcomeFor(room: string, connection: { id: string; userId?: string }, view: RoomView, limits: Limits): string {
  return encodeWelcome({
    room,
    connectionId: connection.id,
    ...(connection.userId ? { userId: connection.userId } : {}),
    epoch: view.epoch,
    seq: view.seq,
    ...(view.recovered === undefined ? {} : { recovered: view.recovered, missed: view.recovered ? view.missed : undefined }),
    ...(view.presence ? { presence: view.presence } : {}),
    members: view.members,
    memberCount: view.memberCount,
    ...(view.users ? { users: view.users } : {}),
    ...(view.userCount === undefined ? {} : { userCount: view.userCount }),
    limits: { ...limits },
  });
}

/** A presence diff: only the non-empty lists are sent. */
export function encodePresenceDiff(diff: PresenceDiff): string {
  const frame: Record<string, unknown> = { type: "presence" };
  if (diff.joined.length) frame.joined = diff.joined;
  if (diff.left.length) frame.left = diff.left;
  if (diff.updated.length) frame.updated = diff.updated;
  if (diff.usersJoined.length) frame.usersJoined = diff.usersJoined;
  if (diff.usersLeft.length) frame.usersLeft = diff.usersLeft;
  return JSON.stringify(frame);
}

/** `{"type":"presence","presence":"counts","memberCount","userCount"}`: the room counts. */
export function encodePresenceCounts(counts: PresenceCounts): string {
  return JSON.stringify({ type: "presence", presence: "counts", memberCount: counts.memberCount, userCount: counts.userCount });
}

/** `{"type":"presence","presence":"list","members","memberCount","users"}`: the whole list, replacing the client's. */
export function encodePresenceList(members: readonly Member[], memberCount: number, users: readonly UserView[]): string {
  return JSON.stringify({ type: "presence", presence: "list", members, memberCount, users });
}
