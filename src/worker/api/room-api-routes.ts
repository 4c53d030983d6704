/**
 * @module room-api-routes
 * The HTTP API a backend calls (docs/protocol.md §2): publishing, history, a room's info, tickets,
 * kick and delete, plus `/healthz` and `/openapi.json`. app.ts registers each at its `path` and
 * validates with its schemas; the document is generated from these specs.
 */
import * as v from "valibot";
import { ConnectionId, Health, RoomName } from "./common-schemas";
import { Accepted, BatchBody, BatchResults, HistoryPage, HistoryQuery, PublishBody } from "./message-schemas";
import { Deleted, Kicked, RoomInfo, Ticket, TicketBody } from "./room-schemas";
import { defineRoute, json } from "./route-spec";
import type { HttpErrorCode } from "../../shared/error-codes";

const room = { room: RoomName };
/** What every per-room API route may refuse before its own checks: the name, then the caller. */
const ROOM_API_REFUSALS: HttpErrorCode[] = ["invalid_room", "unauthorized", "forbidden"];

export const health = defineRoute({
  method: "get",
  path: "/healthz",
  operationId: "health",
  summary: "Liveness",
  tag: "health",
  auth: "public",
  responses: { 200: json("the Worker is up and its settings are valid", Health) },
  errors: [],
});

export const openApi = defineRoute({
  method: "get",
  path: "/openapi.json",
  operationId: "openApiDocument",
  summary: "This document (OpenAPI 3.1)",
  tag: "health",
  auth: "public",
  responses: { 200: json("the OpenAPI 3.1 document of this HTTP API", v.pipe(v.record(v.string(), v.unknown()), v.description("an OpenAPI 3.1 document"))) },
  errors: [],
});

export const publishMessage = defineRoute({
  method: "post",
  path: "/rooms/:room/messages",
  operationId: "publishMessage",
  summary: "Publish one message",
  description: "The body is read up to MAX_MESSAGE_BYTES (at most 2.5 MiB over HTTP): a larger one is 413 before it is parsed.",
  tag: "messages",
  auth: "api",
  params: room,
  body: { schema: PublishBody, required: true, textPlain: "the whole body is the message's string data" },
  responses: { 202: json("stored and sent, with its seq", Accepted) },
  errors: [...ROOM_API_REFUSALS, "bad_request", "payload_too_large"],
});

export const readHistory = defineRoute({
  method: "get",
  path: "/rooms/:room/messages",
  operationId: "readHistory",
  summary: "Read history, oldest first",
  tag: "messages",
  auth: "api",
  params: room,
  query: HistoryQuery,
  responses: { 200: json("one page of stored messages after `since`", HistoryPage) },
  errors: [...ROOM_API_REFUSALS, "bad_request"],
});

export const publishBatch = defineRoute({
  method: "post",
  path: "/publish",
  operationId: "publishBatch",
  summary: "Publish to many rooms",
  description: "One result per entry, in order. An entry outside an admin token's rooms is `forbidden` and is not published.",
  tag: "messages",
  auth: "api",
  body: { schema: BatchBody, required: true },
  responses: { 200: json("one result per entry", BatchResults) },
  errors: ["bad_request", "unauthorized", "forbidden", "payload_too_large"],
});

export const roomInfo = defineRoute({
  method: "get",
  path: "/rooms/:room/info",
  operationId: "roomInfo",
  summary: "A room's connections, members, seq, epoch, counters and recent closes",
  tag: "rooms",
  auth: "api",
  params: room,
  responses: { 200: json("the room now", RoomInfo) },
  errors: ROOM_API_REFUSALS,
});

export const createTicket = defineRoute({
  method: "post",
  path: "/rooms/:room/tickets",
  operationId: "createTicket",
  summary: "Mint a single-use connect ticket",
  description: "For `?ticket=` on one connect, so a long-lived token never sits in a URL. Needs JWT_SECRET.",
  tag: "rooms",
  auth: "api",
  params: room,
  body: { schema: TicketBody, required: false, description: "empty for every default" },
  responses: { 201: json("the ticket", Ticket) },
  errors: [...ROOM_API_REFUSALS, "bad_request", "payload_too_large", "tickets_unavailable"],
});

export const kickConnection = defineRoute({
  method: "delete",
  path: "/rooms/:room/connections/:id",
  operationId: "kickConnection",
  summary: "Close one connection (4009)",
  tag: "rooms",
  auth: "api",
  params: { ...room, id: ConnectionId },
  responses: { 200: json("the connection was closed", Kicked) },
  errors: [...ROOM_API_REFUSALS, "not_found"],
});

export const deleteRoom = defineRoute({
  method: "delete",
  path: "/rooms/:room",
  operationId: "deleteRoom",
  summary: "Close every socket (1001) and wipe the room",
  tag: "rooms",
  auth: "api",
  params: room,
  responses: { 200: json("the room starts over in a new epoch", Deleted) },
  errors: ROOM_API_REFUSALS,
});

export const ROOM_API_ROUTES = [health, openApi, publishMessage, readHistory, publishBatch, roomInfo, createTicket, kickConnection, deleteRoom];
