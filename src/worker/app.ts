/**
 * @module app
 * The Worker's router (hono): validates every request before any Durable Object is touched,
 * then hands WebSocket upgrades to the room with `stub.fetch` and HTTP calls over RPC. Each route
 * is registered at the path of its spec (api/*-routes.ts) and validated with the spec's schemas,
 * the ones `GET /openapi.json` is generated from (api/openapi-document.ts).
 */
import { Hono, type Context } from "hono";
import * as v from "valibot";
import { RoomOutOfScopeError, admitApi, admitConnection, errorResponse, invalidRoomResponse, roomInScope, roomOutOfScopeResponse, roomStubFor, type ApiCaller } from "../admission";
import { ConfigError, configFrom, type Config } from "../config";
import type { Env } from "../env";
import { withIdentity } from "../identity";
import { log } from "../log";
import { placeConnection } from "../room/shard-placement";
import { MAX_DRAIN_BODY_BYTES, MAX_TICKET_BODY_BYTES } from "../shared/limits";
import { maxHttpPublishBytes } from "../shared/rpc-budget";
import { allowedMethodsOf, methodNotAllowed } from "./allowed-methods";
import { batchPublish } from "./batch-publish";
import { consoleResponse, noSuchRoute } from "./console-proxy";
import { adminDrain } from "./admin-drain";
import { startRoomDrain } from "./drain-routes";
import { readPublishBody } from "./publish-body";
import { listLiveRoomsPage } from "./rooms-directory";
import { mintTicket } from "./tickets";
import { handleSse } from "../transports/sse/sse-route";
import { bridgeStomp } from "../transports/stomp/stomp-bridge";
import { sockjsRoutes } from "../transports/sockjs/routes";
import { ErrorCode } from "../shared/error-codes";
import { readValidBody, validQuery } from "./api/boundary";
import { ConnectionId, RoomName } from "./api/common-schemas";
import { connectWebSocket, streamEvents } from "./api/connect-routes";
import { openApiDocument } from "./api/openapi-document";
import { drainAll, drainRoom, listRooms } from "./api/operations-routes";
import { createTicket, deleteRoom, health, kickConnection, openApi, publishBatch, publishMessage, readHistory, roomInfo } from "./api/room-api-routes";
import { API_ROUTES } from "./api/routes";

/** `caller` is set only by the API guards: roomApiGuard once the caller's scope covers `room`, apiGuard for routes naming no room (their handlers apply the scope). */
type AppEnv = { Bindings: Env; Variables: { config: Config; room: string; caller: ApiCaller } };

export const app = new Hono<AppEnv>();

app.onError((error, c) => {
  if (error instanceof RoomOutOfScopeError) return roomOutOfScopeResponse();
  // Config is validated when the Worker loads (startup.ts); this is the fallback.
  if (error instanceof ConfigError) {
    log("config_error", { setting: error.setting, reason: error.message });
    return errorResponse(ErrorCode.invalidConfig, error.message);
  }
  log("error", { where: `${c.req.method} ${c.req.routePath}`, error });
  return errorResponse(ErrorCode.internalError, "internal error");
});

const allowedMethods = allowedMethodsOf(app.routes);
app.notFound(async (c) => methodNotAllowed(allowedMethods(c.req.path), c.req.method) ?? (await consoleResponse(c.req.raw, c.env)) ?? noSuchRoute());

app.use("*", async (c, next) => {
  c.set("config", configFrom(c.env));
  await next();
});

app.get(health.path, (c) => c.json({ ok: true } as const));

// The document is public (it says nothing a client could not learn from the API), so any page may read it.
app.get(openApi.path, (c) => c.json(openApiDocument(API_ROUTES), 200, { "Access-Control-Allow-Origin": "*" }));

/** API-key (or admin token) check for the HTTP API routes that name no room in their path; the handler applies the caller's scope. */
async function apiGuard(c: Context<AppEnv>, next: () => Promise<void>): Promise<Response | void> {
  const auth = await admitApi(c.req.raw, c.get("config"));
  if (!auth.ok) return auth.response;
  c.set("caller", auth.caller);
  await next();
}

app.get(listRooms.path, apiGuard, validQuery(listRooms.query), (c) => listLiveRoomsPage(c.env, c.get("caller"), c.req.valid("query")));

app.post(drainAll.path, apiGuard, async (c) => {
  const body = await readValidBody(c.req.raw, drainAll.body.schema, { maxBytes: MAX_DRAIN_BODY_BYTES, emptyBody: {} });
  if (!body.ok) return body.response;
  return adminDrain(c.env, c.get("caller"), body.value);
});

/** Room-name check for every /rooms/:room route: 400 before any Durable Object is touched. */
app.use("/rooms/:room/*", roomNameGuard);
app.use("/rooms/:room", roomNameGuard);

async function roomNameGuard(c: Context<AppEnv>, next: () => Promise<void>): Promise<Response | void> {
  const room = c.req.param("room") ?? "";
  if (!v.is(RoomName, room)) return invalidRoomResponse();
  c.set("room", room);
  await next();
}

/** API-key (or admin token) check for the HTTP API routes of one room, room scope included. */
async function roomApiGuard(c: Context<AppEnv>, next: () => Promise<void>): Promise<Response | void> {
  const auth = await admitApi(c.req.raw, c.get("config"), c.get("room"));
  if (!auth.ok) return auth.response;
  c.set("caller", auth.caller);
  await next();
}
app.post(publishMessage.path, roomApiGuard);
app.get(readHistory.path, roomApiGuard);
app.get(roomInfo.path, roomApiGuard);
app.post(createTicket.path, roomApiGuard);
app.delete(kickConnection.path, roomApiGuard);
app.delete(deleteRoom.path, roomApiGuard);
app.post(drainRoom.path, roomApiGuard);

/** The room of an HTTP API route, through the scope check (a route without roomApiGuard gets 403). */
function roomStub(c: Context<AppEnv>) {
  return roomStubFor(c.env, c.get("caller")?.scope, c.get("room"));
}

app.get(connectWebSocket.path, async (c) => {
  const request = c.req.raw;
  const config = c.get("config");
  const room = c.get("room");
  const admitted = await admitConnection(
    { request, env: c.env, config, room },
    { upgrade: true, countConnect: true, topicsQuery: c.req.query("topics"), chooseSubprotocol: true, refuseAuthAs: "close-after-upgrade" },
  );
  if (!admitted.ok) return admitted.response;
  const protocol = admitted.subprotocol!; // set: chooseSubprotocol was asked for
  if (protocol.stomp) return bridgeStomp(c.env, room, protocol.chosen!, admitted.grant);
  const { shard, stub } = placeConnection(c.env, config, room);
  return stub.fetch(withIdentity(request.url, { room, mode: protocol.mode, subprotocol: protocol.chosen, ...admitted.grant, shard }));
});

app.post(publishMessage.path, async (c) => {
  const body = await readPublishBody(c.req.raw, maxHttpPublishBytes(c.get("config").limits));
  if (!body.ok) return body.response;
  const result = await roomStub(c).publishFromApi({ room: c.get("room"), ...body.value });
  return c.json(result, 202);
});

app.post(publishBatch.path, apiGuard, (c) => batchPublish(c.req.raw, c.env, c.get("config"), c.get("caller")));

app.get(readHistory.path, validQuery(readHistory.query), async (c) => {
  const { since, limit } = c.req.valid("query");
  const body = await roomStub(c).readHistoryStream(since, limit);
  return new Response(body, { headers: { "Content-Type": "application/json" } });
});

app.get(roomInfo.path, async (c) => c.json(await roomStub(c).info(c.get("room"))));

app.post(createTicket.path, async (c) => {
  const config = c.get("config");
  const room = scopedRoom(c);
  if (!config.jwtSecret) return errorResponse(ErrorCode.ticketsUnavailable, "set JWT_SECRET to issue tickets");
  // An empty body asks for a ticket with every default.
  const body = await readValidBody(c.req.raw, createTicket.body.schema, { maxBytes: MAX_TICKET_BODY_BYTES, emptyBody: {} });
  if (!body.ok) return body.response;
  return c.json(await mintTicket(room, body.value, config.jwtSecret, Date.now()), 201);
});

app.delete(kickConnection.path, async (c) => {
  const id = c.req.param("id");
  // An id that cannot be a connection's is answered like an absent one: 404, as documented.
  const kicked = v.is(ConnectionId, id) && (await roomStub(c).kick(id, c.get("room")));
  if (!kicked) return errorResponse(ErrorCode.notFound, "no such connection in this room");
  return c.json({ kicked: id });
});

app.post(drainRoom.path, async (c) => {
  const body = await readValidBody(c.req.raw, drainRoom.body.schema, { maxBytes: MAX_DRAIN_BODY_BYTES, emptyBody: {} });
  if (!body.ok) return body.response;
  return startRoomDrain(roomStub(c), c.get("room"), body.value.overMs);
});

app.delete(deleteRoom.path, async (c) => c.json({ deleted: c.get("room"), ...(await roomStub(c).deleteRoom(c.get("room"))) }));

/** The room of an HTTP API route that needs its name but not its object (tickets): same check as roomStub. */
function scopedRoom(c: Context<AppEnv>): string {
  return roomInScope(c.get("caller")?.scope, c.get("room"));
}

/** Fallback transports (docs/protocol.md §10, src/transports): adapters over the room's v1 protocol. */
app.get(streamEvents.path, (c) => handleSse(c.req.raw, c.env, c.get("room")));
app.route("/sockjs", sockjsRoutes);

