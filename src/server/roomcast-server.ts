/**
 * @module roomcast-server
 * `RoomcastServer`: the gateway's HTTP API and token minting behind one object for a backend.
 * Each method is a thin call into its concept's module (publish.ts, room-reads.ts,
 * room-admin.ts, tokens.ts), which hold the behaviour.
 */
import type { DeletedRoom, GatewayDrain, HistoryPage, KickedConnection, RoomDrain, RoomInfo, RoomList } from "./api-types";
import { resolveServerOptions, type ResolvedServerOptions, type RoomcastServerOptions } from "./options";
import { publish, publishBatch, type BatchMessage, type BatchResult, type PublishOptions, type Published } from "./publish";
import { deleteRoom, drain, drainAll, kick, type DrainAllOptions, type DrainOptions } from "./room-admin";
import { history, info, rooms, type HistoryOptions, type RoomsOptions } from "./room-reads";
import { mintTicket, mintToken, requestTicket, type Ticket, type TicketOptions, type TokenClaims } from "./tokens";

export class RoomcastServer {
  readonly #options: ResolvedServerOptions;

  constructor(options: RoomcastServerOptions) {
    this.#options = resolveServerOptions(options);
  }

  /** `POST /rooms/:room/messages`: retried with the same idempotency id, so it publishes once. */
  publish(room: string, data: unknown, options?: PublishOptions): Promise<Published> {
    return publish(this.#options, room, data, options);
  }

  /** `POST /publish`: one result per message, in order (an entry's refusal is in its `error`). */
  publishBatch(messages: readonly BatchMessage[]): Promise<BatchResult[]> {
    return publishBatch(this.#options, messages);
  }

  /** `GET /rooms/:room/messages`: stored messages, oldest first. */
  history(room: string, options?: HistoryOptions): Promise<HistoryPage> {
    return history(this.#options, room, options);
  }

  /** `GET /rooms/:room/info`: connections, members, seq, epoch, counters, recent closes. */
  info(room: string): Promise<RoomInfo> {
    return info(this.#options, room);
  }

  /** `GET /rooms`: occupied rooms with counts, a page at a time (`cursor`). */
  rooms(options?: RoomsOptions): Promise<RoomList> {
    return rooms(this.#options, options);
  }

  /** `DELETE /rooms/:room/connections/:id`: closes that connection with 4009; `not_found` (404) when absent. */
  kick(room: string, connectionId: string): Promise<KickedConnection> {
    return kick(this.#options, room, connectionId);
  }

  /** `DELETE /rooms/:room`: closes every socket (1001) and wipes history; the room gets a new epoch. */
  deleteRoom(room: string): Promise<DeletedRoom> {
    return deleteRoom(this.#options, room);
  }

  /** `POST /rooms/:room/drain`: closes the room's sockets with 1012 over `overMs`; clients resume. */
  drain(room: string, options?: DrainOptions): Promise<RoomDrain> {
    return drain(this.#options, room, options);
  }

  /** `POST /admin/drain`: drains every occupied room (with `prefix`, those whose name starts with it). */
  drainAll(options?: DrainAllOptions): Promise<GatewayDrain> {
    return drainAll(this.#options, options);
  }

  /** A connection token signed with `jwtSecret` (no request is made). */
  mintToken(claims: TokenClaims): Promise<string> {
    return mintToken(this.#options.jwtSecret, claims);
  }

  /** A one-time `?ticket=` for `room`, signed with `jwtSecret` (no request is made). */
  mintTicket(room: string, options?: TicketOptions): Promise<Ticket> {
    return mintTicket(this.#options.jwtSecret, room, options);
  }

  /** A one-time ticket from the gateway (`POST /rooms/:room/tickets`): needs only the API key. */
  requestTicket(room: string, options?: TicketOptions): Promise<Ticket> {
    return requestTicket(this.#options, room, options);
  }
}
