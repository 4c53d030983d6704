/**
 * @module token-expiry
 * Closing connections whose token expires while they are connected (docs/protocol.md §5): the
 * room's alarm (shared through alarm-schedule.ts) at the earliest expiry; alarms survive
 * hibernation, and each run re-arms for the next expiry still ahead.
 */
import { closeWith } from "../shared/close-quietly";
import { Close } from "../shared/closes";
import type { AlarmSchedule } from "./alarm-schedule";
import type { SocketState } from "./socket-state";

export class TokenExpiry {
  constructor(private readonly alarms: () => AlarmSchedule) {}

  /** Makes sure the expiry job runs no later than `expiresAtMs`. */
  async watch(expiresAtMs: number): Promise<void> {
    await this.alarms().noLaterThan("tokenExpiry", expiresAtMs);
  }

  async closeExpired(sockets: Iterable<[WebSocket, SocketState]>, nowMs: number): Promise<void> {
    let next: number | undefined;
    for (const [ws, state] of sockets) {
      const expires = state.tokenExpiresAtMs;
      if (expires === undefined) continue;
      if (expires <= nowMs) closeWith(ws, Close.tokenExpired);
      else next = Math.min(next ?? expires, expires);
    }
    if (next !== undefined) await this.alarms().set("tokenExpiry", next);
  }
}
