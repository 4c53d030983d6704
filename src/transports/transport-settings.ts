/**
 * @module transport-settings
 * Settings shared by the fallback transports (docs/protocol.md §10): how often an idle SSE stream, SockJS
 * session or STOMP connection gets a heartbeat. One optional var, TRANSPORT_HEARTBEAT_SECONDS,
 * validated like every other setting (a bad value stops the Worker at load, naming it).
 */
import { ConfigError } from "../config";

/** SockJS's customary heartbeat delay; also under the ~30–60 s idle cut of common proxies. */
export const DEFAULT_TRANSPORT_HEARTBEAT_SECONDS = 25;
const MAX_TRANSPORT_HEARTBEAT_SECONDS = 3_600;
const MS_PER_SECOND = 1_000;

export interface TransportSettings {
  /** Heartbeat interval of SSE comments, SockJS `h` frames and the STOMP server heart-beat, in ms. */
  heartbeatMs: number;
}

/** Reads the settings from the Worker's vars (typed structurally so Node tests can call it). */
export function transportSettings(env: { TRANSPORT_HEARTBEAT_SECONDS?: string }): TransportSettings {
  const raw = env.TRANSPORT_HEARTBEAT_SECONDS;
  if (raw === undefined || raw === "") return { heartbeatMs: DEFAULT_TRANSPORT_HEARTBEAT_SECONDS * MS_PER_SECOND };
  const text = String(raw).trim();
  const seconds = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_TRANSPORT_HEARTBEAT_SECONDS)) {
    throw new ConfigError("TRANSPORT_HEARTBEAT_SECONDS", `must be a whole number from 1 to ${MAX_TRANSPORT_HEARTBEAT_SECONDS}, got "${text.slice(0, 40)}"`);
  }
  return { heartbeatMs: seconds * MS_PER_SECOND };
}
