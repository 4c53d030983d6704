/**
 * @module socket-tally
 * How many sockets are open here and how many distinct users they belong to, kept as sockets
 * come and go. A counting room's welcome (presence-mode.ts: `memberCount`, `userCount`) reads it
 * instead of listing every socket's state on each connect, which made a connect storm into a
 * large room O(n²). Built from the runtime's socket list on first use after a wake; each socket
 * is counted once and uncounted once (a socket the room closed counts until its departure is
 * recorded: the welcome's counts may include sockets still closing).
 */
import type { SocketState } from "./socket-state";

export class SocketTally {
  #connections = 0;
  /** Connections per user id; anonymous connections count as connections only. */
  readonly #users = new Map<string, number>();
  readonly #counted = new WeakSet<WebSocket>();

  get connections(): number {
    return this.#connections;
  }

  get users(): number {
    return this.#users.size;
  }

  add(ws: WebSocket, state: SocketState): void {
    if (this.#counted.has(ws)) return;
    this.#counted.add(ws);
    this.#connections++;
    if (state.userId !== undefined) this.#users.set(state.userId, (this.#users.get(state.userId) ?? 0) + 1);
  }

  /** A departure; a socket never counted (closing when the tally was built) changes nothing. */
  remove(ws: WebSocket, state: SocketState | null): void {
    if (!this.#counted.has(ws)) return;
    this.#counted.delete(ws);
    this.#connections--;
    const userId = state?.userId;
    if (userId === undefined) return;
    const left = (this.#users.get(userId) ?? 0) - 1;
    if (left > 0) this.#users.set(userId, left);
    else this.#users.delete(userId);
  }
}
