/**
 * @module operations-routes
 * The operations routes (docs/operations.md): the live-room directory and draining. Their
 * handlers live with the operations code; app.ts registers each at its spec's path, with the
 * spec's schemas as the validation (`validQuery(listRooms.query)`, `readValidBody(…, drainRoom.body.schema, …)`).
 */
import { RoomName } from "./common-schemas";
import { AdminDrainAccepted, AdminDrainBody, DrainAccepted, DrainBody, RoomList, RoomListQuery } from "./operations-schemas";
import { defineRoute, json } from "./route-spec";

export const listRooms = defineRoute({
  method: "get",
  path: "/rooms",
  operationId: "listRooms",
  summary: "Occupied rooms with counts, from the live-room directory",
  description: "An admin token with `rooms` lists only the rooms its patterns cover. Counts trail the rooms by a few seconds.",
  tag: "operations",
  auth: "api",
  query: RoomListQuery,
  responses: { 200: json("one page of rooms, by name", RoomList) },
  errors: ["bad_request", "unauthorized", "forbidden"],
});

export const drainRoom = defineRoute({
  method: "post",
  path: "/rooms/:room/drain",
  operationId: "drainRoom",
  summary: "Close the room's sockets with 1012, spread over overMs",
  description: "Clients reconnect with jitter and resume. The body is optional.",
  tag: "operations",
  auth: "api",
  params: { room: RoomName },
  body: { schema: DrainBody, required: false, description: "empty for the default spread" },
  responses: { 202: json("the drain started", DrainAccepted) },
  errors: ["invalid_room", "bad_request", "unauthorized", "forbidden", "payload_too_large"],
});

export const drainAll = defineRoute({
  method: "post",
  path: "/admin/drain",
  operationId: "drainAll",
  summary: "Drain every room of the directory (or those with a prefix)",
  tag: "operations",
  auth: "api",
  body: { schema: AdminDrainBody, required: false, description: "empty drains every room with the default spread" },
  responses: { 202: json("the drain started in these rooms", AdminDrainAccepted) },
  errors: ["bad_request", "unauthorized", "forbidden", "payload_too_large"],
});

export const OPERATIONS_ROUTES = [listRooms, drainRoom, drainAll];
