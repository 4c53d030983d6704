/**
 * @module app
 * The Worker's router (hono): validates every request before any Durable Object is touched,
 * then hands WebSocket upgrades to the room with `stub.fetch` and HTTP calls over RPC.
 */
import { Hono, type Context } from "hono";
import {
  RoomOutOfScopeError,
  admitApi,
  admitConnection,
  errorResponse,
  invalidRoomResponse,
  parseJsonBody,
  readBodyText,
  roomInScope,
  roomOutOfScopeResponse,
  roomStubFor,
  type ApiCaller,
} from "../admission";
import { ConfigError, configFrom, type Config } from "../config";
import type { Env } from "../env";
import { withIdentity } from "../identity";
import { log } from "../log";
import { CONNECTION_ID_PATTERN } from "../room/connection-id";
import { placeConnection } from "../room/shard-placement";
import { MAX_TICKET_BODY_BYTES } from "../shared/limits";
import { isValidRoomName } from "../shared/room-name";
import { maxHttpPublishBytes } from "../shared/rpc-budget";
import { allowedMethodsOf, methodNotAllowed } from "./allowed-methods";
import { batchPublish } from "./batch-publish";
import { consoleResponse, noSuchRoute } from "./console-proxy";
import { adminDrain } from "./admin-drain";
import { drainRoom } from "./drain-routes";
import { readPublishBody } from "./publish-body";
import { mintTicket, parseTicketRequest } from "./tickets";
import { listRooms } from "./rooms-directory";
import { handleSse } from "../transports/sse/sse-route";
import { bridgeStomp } from "../transports/stomp/stomp-bridge";
import { sockjsRoutes } from "../transports/sockjs/routes";
import { ErrorCode } from "../shared/error-codes";

/** `caller` is set only by roomApiGuard, once the caller's scope covers `room`. */
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

app.get("/healthz", (c) => c.json({ ok: true }));

app.get("/rooms", listRooms);
app.post("/admin/drain", adminDrain);

/** Room-name check for every /rooms/:room route: 400 before any Durable Object is touched. */
app.use("/rooms/:room/*", roomNameGuard);
app.use("/rooms/:room", roomNameGuard);

async function roomNameGuard(c: Context<AppEnv>, next: () => Promise<void>): Promise<Response | void> {
  const room = c.req.param("room") ?? "";
  if (!isValidRoomName(room)) return invalidRoomResponse();
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
app.post("/rooms/:room/messages", roomApiGuard);
app.get("/rooms/:room/messages", roomApiGuard);
app.get("/rooms/:room/info", roomApiGuard);
app.post("/rooms/:room/tickets", roomApiGuard);
app.delete("/rooms/:room/connections/:id", roomApiGuard);
app.delete("/rooms/:room", roomApiGuard);
app.post("/rooms/:room/drain", roomApiGuard);

/** The room of an HTTP API route, through the scope check (a route without roomApiGuard gets 403). */
function roomStub(c: Context<AppEnv>) {
  return roomStubFor(c.env, c.get("caller")?.scope, c.get("room"));
}

app.get("/rooms/:room", async (c) => {
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
  return stub.fetch(withIdentity(request, { room, mode: protocol.mode, subprotocol: protocol.chosen, ...admitted.grant, shard }));
});

app.post("/rooms/:room/messages", async (c) => {
  const body = await readPublishBody(c.req.raw, maxHttpPublishBytes(c.get("config").limits));
  if (!body.ok) return body.response;
  const result = await roomStub(c).publishFromApi({ room: c.get("room"), ...body.value });
  return c.json(result, 202);
});

app.post("/publish", async (c) => {
  const config = c.get("config");
  const auth = await admitApi(c.req.raw, config);
  if (!auth.ok) return auth.response;
  return batchPublish(c.req.raw, c.env, config, auth.caller);
});

app.get("/rooms/:room/messages", async (c) => {
  const since = parseNonNegativeInteger(c.req.query("since"), 0);
  const limit = parseNonNegativeInteger(c.req.query("limit"), 100);
  if (since === null || limit === null) return errorResponse(ErrorCode.badRequest, "since and limit must be whole numbers");
  const body = await roomStub(c).readHistoryStream(since, limit);
  return new Response(body, { headers: { "Content-Type": "application/json" } });
});

app.get("/rooms/:room/info", async (c) => c.json(await roomStub(c).info(c.get("room"))));

app.post("/rooms/:room/tickets", async (c) => {
  const config = c.get("config");
  const room = scopedRoom(c);
  if (!config.jwtSecret) return errorResponse(ErrorCode.ticketsUnavailable, "set JWT_SECRET to issue tickets");
  const text = await readBodyText(c.req.raw, MAX_TICKET_BODY_BYTES);
  if (!text.ok) return text.response;
  // An empty body asks for a ticket with every default.
  const body = text.value.trim() === "" ? { ok: true as const, value: {} } : parseJsonBody(text.value);
  if (!body.ok) return body.response;
  const request = parseTicketRequest(body.value);
  if (typeof request === "string") return errorResponse(ErrorCode.badRequest, request);
  return c.json(await mintTicket(room, request, config.jwtSecret, Date.now()), 201);
});

app.delete("/rooms/:room/connections/:id", async (c) => {
  const id = c.req.param("id");
  const kicked = CONNECTION_ID_PATTERN.test(id) && (await roomStub(c).kick(id, c.get("room")));
  if (!kicked) return errorResponse(ErrorCode.notFound, "no such connection in this room");
  return c.json({ kicked: id });
});

app.post("/rooms/:room/drain", (c) => drainRoom(c.req.raw, roomStub(c), c.get("room")));

app.delete("/rooms/:room", async (c) => c.json({ deleted: c.get("room"), ...(await roomStub(c).deleteRoom(c.get("room"))) }));

/** The room of an HTTP API route that needs its name but not its object (tickets): same check as roomStub. */
function scopedRoom(c: Context<AppEnv>): string {
  return roomInScope(c.get("caller")?.scope, c.get("room"));
}

/** Fallback transports (docs/protocol.md §10, src/transports): adapters over the room's v1 protocol. */
app.get("/rooms/:room/events", (c) => handleSse(c.req.raw, c.env, c.get("room")));
app.route("/sockjs", sockjsRoutes);

function parseNonNegativeInteger(value: string | undefined, fallback: number): number | null {
  if (value === undefined || value === "") return fallback;
  return /^\d{1,15}$/.test(value) ? Number(value) : null;
}
