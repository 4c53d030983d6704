/**
 * @module socket-budget
 * The 16 KiB socket attachment (PLATFORM_LIMITS.maxAttachmentBytes) holds a connection's state
 * (room/socket-state.ts). workerd counts the attachment's structured-clone (V8 ValueSerializer)
 * bytes and throws past the ceiling, which would end the socket with 1011 or the upgrade with
 * HTTP 500. So every part a client sets is held to a budget, and the budgets provably add up to
 * less than the ceiling:
 *
 * - a string costs at most 8 + 2 bytes per UTF-16 unit (tag, alignment padding, length varint;
 *   V8 may write even ASCII as two-byte when it was cut from a two-byte string);
 * - a number at most 9 (double tag + 8 bytes), a boolean 1;
 * - an array at most 17 + 6 per element on top of the elements (a sparse array writes each index);
 * - an object at most 7 on top of its keys and values.
 *
 * Measured in workerd (local): a small state with an array of 1,803 doubles serialized to
 * 16,386 bytes and was refused ("cannot be larger than 16384 bytes"); 1,802 fit. A 4,095-unit
 * two-byte string costs 8,190 bytes. The budgets also leave ATTACHMENT_MARGIN_BYTES unused. Runtime-free: the Worker, the room and
 * config validation use the same numbers.
 */
import { ADMIN_CAPABILITY, CONNECTION_CAPABILITIES } from "./capabilities";
import { MAX_TOPIC_CHARS_PER_CONNECTION, MAX_TOPICS_PER_CONNECTION, MAX_USER_ID_CHARS, PLATFORM_LIMITS } from "./limits";
import { MAX_PUBLISH_SCOPE_CHARS } from "./publish-scope";
import { parseTopicList } from "./topics";

/** The attachment's one key (namespaced so a foreign attachment is never read as ours). */
export const ATTACHMENT_KEY = "roomcast";
/** Every field of SocketState: socket-state.ts fails to compile when a field is missing here. */
export const SOCKET_STATE_FIELDS = ["v", "id", "mode", "echo", "topics", "userId", "capabilities", "tokenExpiresAtMs", "connectedAtMs", "presenceJson", "publishScope", "floorSeq", "faultSend"] as const;

/** Bytes of the ceiling never planned for: room for a serializer change. */
export const ATTACHMENT_MARGIN_BYTES = 1_024;
/** What the state may use, worst case. */
export const ATTACHMENT_BUDGET_BYTES = PLATFORM_LIMITS.maxAttachmentBytes - ATTACHMENT_MARGIN_BYTES;
/** Longest connection id (room/connection-id.ts makes 16 characters). */
export const MAX_CONNECTION_ID_CHARS = 32;

const SERIALIZER_HEADER_BYTES = 4;
const STRING_OVERHEAD_BYTES = 8;
const NUMBER_BYTES = 9;
const BOOLEAN_BYTES = 1;
const ARRAY_OVERHEAD_BYTES = 17;
const ARRAY_INDEX_BYTES = 6;
const OBJECT_OVERHEAD_BYTES = 7;

/** Upper bound of a string of `units` UTF-16 units. */
export function stringBytesBound(units: number): number {
  return STRING_OVERHEAD_BYTES + 2 * units;
}

/** Upper bound of any JSON-like value (strings, numbers, booleans, null, arrays, plain objects). */
export function valueBytesBound(value: unknown): number {
  if (typeof value === "string") return stringBytesBound(value.length);
  if (typeof value === "number") return NUMBER_BYTES;
  if (typeof value !== "object" || value === null) return BOOLEAN_BYTES;
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + ARRAY_INDEX_BYTES + valueBytesBound(item), ARRAY_OVERHEAD_BYTES);
  let bytes = OBJECT_OVERHEAD_BYTES;
  // A property holding undefined is still written (key and a 1-byte tag): count it like any other.
  for (const [key, item] of Object.entries(value)) bytes += stringBytesBound(key.length) + valueBytesBound(item);
  return bytes;
}

/** Upper bound of a whole attachment holding `state`. */
export function attachmentBytesBound(state: object): number {
  return SERIALIZER_HEADER_BYTES + valueBytesBound({ [ATTACHMENT_KEY]: state });
}

/** Upper bound of a topic list within the limits of count and total characters. */
export function topicsBytesBound(topicCount: number, totalChars: number): number {
  return ARRAY_OVERHEAD_BYTES + topicCount * (ARRAY_INDEX_BYTES + STRING_OVERHEAD_BYTES) + 2 * totalChars;
}

/**
 * Upper bound of presence state of `jsonBytes` UTF-8 bytes of JSON, stored as that JSON text:
 * a UTF-16 unit is at least one UTF-8 byte, so the text has at most `jsonBytes` units.
 */
export function presenceBytesBound(jsonBytes: number): number {
  return stringBytesBound(jsonBytes);
}

/** Everything but the topics and the presence, with every field at its largest. */
export const FIXED_STATE_BYTES_BOUND = attachmentBytesBound({
  v: 1,
  id: "x".repeat(MAX_CONNECTION_ID_CHARS),
  mode: "raw",
  echo: false,
  topics: [],
  userId: "x".repeat(MAX_USER_ID_CHARS),
  capabilities: [...CONNECTION_CAPABILITIES, ADMIN_CAPABILITY],
  tokenExpiresAtMs: 0,
  connectedAtMs: 0,
  presenceJson: "",
  publishScope: "x".repeat(MAX_PUBLISH_SCOPE_CHARS),
  floorSeq: 0,
  faultSend: true,
} satisfies Record<(typeof SOCKET_STATE_FIELDS)[number], unknown>);

/** What topics may use: every topic at the count limit with the total character limit. */
export const TOPICS_BYTES_BOUND = topicsBytesBound(MAX_TOPICS_PER_CONNECTION, MAX_TOPIC_CHARS_PER_CONNECTION);

/** The largest PRESENCE_STATE_MAX_BYTES whose state still fits next to the fixed part and the topics. */
export const MAX_PRESENCE_STATE_BYTES = Math.floor((ATTACHMENT_BUDGET_BYTES - FIXED_STATE_BYTES_BOUND - TOPICS_BYTES_BOUND - stringBytesBound(0)) / 2);

/** Why a topic list does not fit a connection's state, or undefined when it does. */
export function topicsBudgetProblem(topics: readonly string[]): string | undefined {
  if (topics.length > MAX_TOPICS_PER_CONNECTION) return `at most ${MAX_TOPICS_PER_CONNECTION} topics per connection`;
  const chars = topics.reduce((sum, topic) => sum + topic.length, 0);
  if (chars > MAX_TOPIC_CHARS_PER_CONNECTION) return `a connection's topics may hold at most ${MAX_TOPIC_CHARS_PER_CONNECTION} characters in all, got ${chars}`;
  return undefined;
}

/** The same check for a connection URL's `?topics=` (answered 400 before the upgrade). */
export function topicsQueryProblem(query: string | null | undefined): string | undefined {
  return topicsBudgetProblem(parseTopicList(query));
}
