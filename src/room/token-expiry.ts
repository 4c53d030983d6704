/**
 * @module token-expiry
 * Closing connections whose token expires while they are connected (docs/protocol.md §5): one Durable
 * Object alarm at the earliest expiry; alarms survive hibernation, and each run re-arms for the
 * next expiry still ahead.
 */
import { closeWith } from "../shared/close-quietly";
import { Close } from "../shared/closes";
import type { SocketState } from "./socket-state";

export class TokenExpiry {
  constructor(private readonly storage: DurableObjectStorage) {}

  /** Makes sure an alarm fires no later than `expiresAtMs`. */
  async watch(expiresAtMs: number): Promise<void> {
    const current = await this.storage.getAlarm();
    if (current === null || current > expiresAtMs) await this.storage.setAlarm(expiresAtMs);
  }

  async closeExpired(sockets: Iterable<[WebSocket, SocketState]>, nowMs: number): Promise<void> {
    let next: number | undefined;
    for (const [ws, state] of sockets) {
      const expires = state.tokenExpiresAtMs;
      if (expires === undefined) continue;
      if (expires <= nowMs) closeWith(ws, Close.tokenExpired);
      else next = Math.min(next ?? expires, expires);
    }
    if (next !== undefined) await this.storage.setAlarm(next);
  }
}
