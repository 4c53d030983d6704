/**
 * @module decode-server
 * Decoding of room → client `roomcast.v1` frames (docs/protocol.md §3), used by the SDK and by the
 * adapters that speak to a room as a v1 client (transports/room-link.ts). Never throws: a frame
 * of a known type with a bad shape is reported as invalid, an unknown type as `unknown` (the
 * protocol is forward compatible, so newer rooms may send types this reader does not know).
 */
import type { Member, MessageFrame, ServerDecodeResult, ServerFrame, WelcomeServerFrame } from "./types";

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isString = (value: unknown): value is string => typeof value === "string";
const isSeq = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
const optional = <T>(value: unknown, check: (v: unknown) => v is T): boolean => value === undefined || check(value);
const isCount = isSeq;

function toMember(value: unknown): Member | undefined {
  if (!isObject(value) || !isString(value.connectionId)) return undefined;
  if (!optional(value.userId, isString)) return undefined;
  return value as unknown as Member;
}

function toMembers(value: unknown): Member[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  const members = value.map(toMember);
  return members.every((member) => member !== undefined) ? (members as Member[]) : undefined;
}

function toMessage(value: unknown): MessageFrame | undefined {
  if (!isObject(value) || !isSeq(value.seq) || !isString(value.from) || !("data" in value)) return undefined;
  if (!optional(value.topic, isString) || typeof value.ts !== "number") return undefined;
  const message: MessageFrame = { type: "message", seq: value.seq, from: value.from, data: value.data, ts: value.ts };
  if (value.topic !== undefined) message.topic = value.topic as string;
  if (value.snapshot === true) message.snapshot = true;
  return message;
}

function decodeObject(frame: JsonObject, type: string): ServerFrame | undefined | "unknown" {
  switch (type) {
    case "welcome": {
      const members = toMembers(frame.members);
      if (!isString(frame.connectionId) || !isString(frame.epoch) || !isSeq(frame.seq) || !members) return undefined;
      if (!optional(frame.recovered, (v): v is boolean => typeof v === "boolean")) return undefined;
      if (frame.presence === "counts" && (!isCount(frame.memberCount) || !optional(frame.userCount, isCount))) return undefined;
      const limits = isObject(frame.limits) ? (frame.limits as Record<string, number>) : {};
      return { ...(frame as unknown as WelcomeServerFrame), members, limits };
    }
    case "message":
      return toMessage(frame);
    case "batch": {
      if (!Array.isArray(frame.messages)) return undefined;
      const messages = frame.messages.map(toMessage);
      return messages.every((m) => m !== undefined) ? { type, messages: messages as MessageFrame[] } : undefined;
    }
    case "direct":
      if (!isString(frame.from) || !("data" in frame)) return undefined;
      return { type, from: frame.from, data: frame.data, ts: typeof frame.ts === "number" ? frame.ts : Date.now() };
    case "ack":
      if (!isString(frame.id) || !optional(frame.seq, isSeq)) return undefined;
      return { type, id: frame.id, ...(frame.seq === undefined ? {} : { seq: frame.seq as number }) };
    case "presence": {
      if (frame.presence === "counts") {
        if (!isCount(frame.memberCount) || !optional(frame.userCount, isCount)) return undefined;
        return { type, mode: "counts", memberCount: frame.memberCount, ...(frame.userCount === undefined ? {} : { userCount: frame.userCount as number }) };
      }
      if (frame.presence === "list") {
        const members = Array.isArray(frame.members) ? toMembers(frame.members) : undefined;
        return members ? { type, mode: "list", members } : undefined;
      }
      const joined = toMembers(frame.joined);
      const updated = toMembers(frame.updated);
      const left = frame.left === undefined ? [] : frame.left;
      if (!joined || !updated || !Array.isArray(left) || !left.every(isString)) return undefined;
      return { type, joined, left, updated };
    }
    case "error":
      if (!isString(frame.code) || !optional(frame.id, isString)) return undefined;
      return { type, code: frame.code, message: isString(frame.message) ? frame.message : frame.code, ...(frame.id === undefined ? {} : { id: frame.id as string }) };
    case "pong":
      return { type, ...(isString(frame.id) ? { id: frame.id } : {}) };
    default:
      return "unknown";
  }
}

/** Decodes one text frame from the room. The heartbeat text `pong` is handled before this. */
export function decodeServerFrame(text: string): ServerDecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, kind: "invalid", reason: "frame is not JSON" };
  }
  if (!isObject(parsed) || !isString(parsed.type)) return { ok: false, kind: "invalid", reason: "frame is not an object with a type" };
  const frame = decodeObject(parsed, parsed.type);
  if (frame === "unknown") return { ok: false, kind: "unknown", type: parsed.type };
  if (!frame) return { ok: false, kind: "invalid", reason: `${parsed.type} frame has a bad shape` };
  return { ok: true, frame };
}
