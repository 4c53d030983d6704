/**
 * @module socket-state
 * Per-socket state, kept in the hibernatable socket's attachment under one namespaced key and
 * validated on read (docs/protocol.md: hibernation is the normal case). A WeakMap caches the decoded state
 * for the life of the current isolate only; the attachment stays the source of truth.
 */
import type { ConnectionIdentity } from "../identity";
import type { WireMode } from "../shared/protocol";
import { PUBLISH_SCOPE_PARAM, readPublishScope } from "../shared/publish-scope";
import { parseTopicList } from "../shared/topics";
import { newConnectionId } from "./connection-id";
import { ATTACHMENT_BUDGET_BYTES, ATTACHMENT_KEY, attachmentBytesBound, topicsBudgetProblem, type SOCKET_STATE_FIELDS } from "../shared/socket-budget";

export { ATTACHMENT_KEY };
const STATE_VERSION = 1;

export interface SocketState {
  v: typeof STATE_VERSION;
  /** Connection id; also the socket's hibernation tag so the room can find it. */
  id: string;
  mode: WireMode;
  /** `?echo=1`: the connection also receives its own frames, in room order. */
  echo: boolean;
  topics: string[];
  userId?: string;
  capabilities?: string[];
  tokenExpiresAtMs?: number;
  connectedAtMs: number;
  /**
   * Presence state set with `{"type":"presence"}`, kept as its JSON text (≤ PRESENCE_STATE_MAX_BYTES):
   * text has a provable attachment size (socket-budget.ts), a parsed value does not (`[-0,-0]`
   * is 7 bytes of JSON but 9 bytes per number once serialized).
   */
  presenceJson?: string;
  /** Anonymous connections: the client's secret publish-id scope (`?scope=`, publish-scope.ts). */
  publishScope?: string;
  /** Shard connections: messages up to this seq were replayed or predate the connection. */
  floorSeq?: number;
  /** Test-only fault injection (FAULT_INJECTION=on): sends to this socket throw. */
  faultSend?: boolean;
}

/** Compile-time check: a SocketState field missing from the attachment budget is an error here. */
type UnbudgetedField = Exclude<keyof SocketState, (typeof SOCKET_STATE_FIELDS)[number]>;
const everyFieldBudgeted: [UnbudgetedField] extends [never] ? true : never = true;
void everyFieldBudgeted;

const cache = new WeakMap<WebSocket, SocketState>();

function isSocketState(value: unknown): value is SocketState {
  if (typeof value !== "object" || value === null) return false;
  const state = value as Partial<SocketState>;
  return (
    state.v === STATE_VERSION &&
    typeof state.id === "string" &&
    (state.mode === "raw" || state.mode === "v1") &&
    typeof state.echo === "boolean" &&
    Array.isArray(state.topics) &&
    typeof state.connectedAtMs === "number"
  );
}

/** The socket's state, or null when its attachment is missing or not ours. */
export function readSocketState(ws: WebSocket): SocketState | null {
  const cached = cache.get(ws);
  if (cached) return cached;
  let attachment: unknown;
  try {
    attachment = ws.deserializeAttachment();
  } catch {
    // An attachment that does not deserialize is not one this room wrote: the socket has no state.
    return null;
  }
  const state = (attachment as Record<string, unknown> | null)?.[ATTACHMENT_KEY];
  if (!isSocketState(state)) return null;
  cache.set(ws, state);
  return state;
}

/** Stores `state` in the attachment (survives hibernation) and the cache. */
export function writeSocketState(ws: WebSocket, state: SocketState): void {
  ws.serializeAttachment({ [ATTACHMENT_KEY]: state });
  cache.set(ws, state);
}

/**
 * Why a new connection's state would not fit its attachment, or undefined. The parts a client
 * sets later (subscribe, presence) are held to their own budgets; this checks the whole.
 */
export function socketStateProblem(state: SocketState): string | undefined {
  const topics = topicsBudgetProblem(state.topics);
  if (topics !== undefined) return topics;
  if (attachmentBytesBound(state) > ATTACHMENT_BUDGET_BYTES) return "connection state is too large (user id or token claims)";
  return undefined;
}

/**
 * A new connection's state from the Worker's identity headers and the upgrade URL (`echo`,
 * `topics`, the publish scope and, where `faultsAllowed`, test-only `?fault=send`).
 */
export function socketStateFor(identity: ConnectionIdentity, url: URL, faultsAllowed: boolean): SocketState {
  // A user's ids are scoped by user already; the client's secret scope matters only when anonymous.
  const publishScope = identity.userId ? undefined : readPublishScope(url.searchParams.get(PUBLISH_SCOPE_PARAM));
  return {
    v: STATE_VERSION,
    id: newConnectionId(),
    mode: identity.mode,
    echo: url.searchParams.get("echo") === "1",
    topics: parseTopicList(url.searchParams.get("topics")),
    userId: identity.userId,
    // A token may list a capability many times; the attachment holds each once.
    capabilities: identity.capabilities && [...new Set(identity.capabilities)],
    tokenExpiresAtMs: identity.tokenExpiresAtMs,
    connectedAtMs: Date.now(),
    ...(publishScope ? { publishScope } : {}),
    ...(faultsAllowed && url.searchParams.get("fault") === "send" ? { faultSend: true } : {}),
  };
}
