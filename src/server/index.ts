/**
 * @module roomcast/server
 * The roomcast server SDK for backends: publish, read and manage rooms over the gateway's HTTP
 * API, mint connection tokens and tickets, verify webhooks. Runtime-free (fetch and WebCrypto
 * only): Node ≥ 20, Cloudflare Workers, Bun, Deno.
 */
export { RoomcastServer } from "./roomcast-server";
export { RoomcastError, WebhookVerificationError, type RoomcastErrorCode, type WebhookFailure } from "./errors";
export { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, type FetchLike, type RetryOptions, type RoomcastServerOptions } from "./options";
export type { BatchMessage, BatchResult, PublishOptions, Published } from "./publish";
export type { HistoryOptions, RoomsOptions } from "./room-reads";
export type { DrainAllOptions, DrainOptions } from "./room-admin";
export { DEFAULT_TOKEN_TTL_SECONDS, mintTicket, mintToken, type Ticket, type TicketOptions, type TokenClaims } from "./tokens";
export { verifyWebhook, type OccupancyEvent, type OccupancyEventType, type RawWebhookRequest, type VerifyWebhookOptions, type WebhookBody } from "./webhooks";
export type { Counters, DeletedRoom, DrainedRoom, GatewayDrain, HistoryMessage, HistoryPage, KickedConnection, Member, RecentClose, RoomDrain, RoomInfo, RoomList, RoomSummary } from "./api-types";
export type { Capability, ConnectionCapability } from "../shared/capabilities";
export { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from "../shared/webhook-signature";
