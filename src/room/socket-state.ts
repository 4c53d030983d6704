/**
 * @module socket-state
 * Per-socket state, kept in the hibernatable socket's attachment under one namespaced key and
 * validated on read (SPEC: hibernation is the normal case). A WeakMap caches the decoded state
 * for the life of the current isolate only; the attachment stays the source of truth.
 */
import type { WireMode } from "../shared/protocol";

export const ATTACHMENT_KEY = "roomcast";
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
  /** Presence state set with `{"type":"presence"}` (≤ PRESENCE_STATE_MAX_BYTES of JSON). */
  presence?: unknown;
  /** Shard connections: messages up to this seq were replayed or predate the connection. */
  floorSeq?: number;
  /** Test-only fault injection (FAULT_INJECTION=on): sends to this socket throw. */
  faultSend?: boolean;
}

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
