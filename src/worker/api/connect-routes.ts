/**
 * @module connect-routes
 * The connection routes (docs/protocol.md §3, §4, §10): the WebSocket upgrade, the SSE stream and
 * the SockJS endpoints. Their query parameters are read by admission and the transports (shared
 * by WebSocket, STOMP, SSE and SockJS, and by the room for resume), so the schemas here describe
 * them; the room name is validated by the same RoomName schema as every route.
 */
import * as v from "valibot";
import { RoomName } from "./common-schemas";
import type { HttpErrorCode } from "../../shared/error-codes";
import { defineRoute, json, type ResponseSpec } from "./route-spec";

const room = { room: RoomName };
const text = (description: string) => v.optional(v.pipe(v.string(), v.description(description)));

/** What a connect may carry in its query (a token may instead come as a bearer or a subprotocol). */
const ConnectQuery = v.object({
  topics: text("comma-separated topic filters (`a,b.*`); over the per-connection budget is 400"),
  since: text("resume after this seq (with `epoch`); the welcome says whether it recovered"),
  epoch: text("the epoch `since` belongs to"),
  echo: text("`1`: also receive your own publishes"),
  scope: text("raw connections without a user: the publish scope"),
  token: text("a connection JWT (prefer the `roomcast.token.<jwt>` subprotocol or a bearer)"),
  ticket: text("a single-use ticket from POST /rooms/{room}/tickets"),
  user: text("AUTH_MODE=open only: the user id"),
});

/** An SSE stream is receive-only: no echo or publish scope. */
const SseQuery = v.pick(ConnectQuery, ["topics", "since", "epoch", "token", "ticket", "user"]);

const CONNECT_REFUSALS: HttpErrorCode[] = ["invalid_room", "bad_handshake", "bad_request", "origin_not_allowed", "upgrade_required", "unsupported_version", "too_many_connections"];

export const connectWebSocket = defineRoute({
  method: "get",
  path: "/rooms/:room",
  operationId: "connectWebSocket",
  summary: "Connect a WebSocket to the room",
  description:
    "An RFC 6455 upgrade. Subprotocols: `roomcast.v1` (JSON frames), none (raw), `v12.stomp`/`v11.stomp`/`v10.stomp` (STOMP), plus `roomcast.token.<jwt>` to carry the token. " +
    "Checks before the upgrade answer as HTTP (426, 400, 403 Origin, 429). Auth and capacity are told after it, as close codes (4001, 4003, 1013): a browser cannot read a refused upgrade's status.",
  tag: "connect",
  auth: "connection",
  params: room,
  query: ConnectQuery,
  responses: { 101: { description: "switched to WebSocket; the room sends its welcome (or closes with 4001/4003/1013)" } },
  errors: CONNECT_REFUSALS,
});

export const streamEvents = defineRoute({
  method: "get",
  path: "/rooms/:room/events",
  operationId: "streamEvents",
  summary: "Server-Sent Events stream of the room",
  description: "Each message is an event with `id:` = seq; resume with `Last-Event-ID` (or `since`) and `epoch`. Receive-only: publish with the HTTP API.",
  tag: "connect",
  auth: "connection",
  params: room,
  query: SseQuery,
  responses: { 200: { description: "the event stream: `welcome`, then `message`/`presence` events and heartbeats", contentType: "text/event-stream" } },
  errors: ["invalid_room", "bad_request", "unauthorized", "forbidden", "origin_not_allowed", "too_many_connections", "room_full", "room_unavailable"],
});

const SOCKJS = "SockJS protocol 0.3 (sockjs-client); see docs/protocol.md §10.";
/** What every SockJS route checks first (transports/sockjs/routes.ts `guard`). */
const SOCKJS_REFUSALS: HttpErrorCode[] = ["invalid_room", "bad_request", "origin_not_allowed"];
const sessionParams = {
  ...room,
  server: v.pipe(v.string(), v.description("any server id the client picks")),
  session: v.pipe(v.string(), v.description("the client's session id")),
};
const transportParams = { ...sessionParams, transport: v.pipe(v.picklist(["xhr", "xhr_streaming", "xhr_send", "eventsource"]), v.description("other transports are 404")) };

function sockjsRoute(
  method: "get" | "post" | "options",
  path: string,
  operationId: string,
  summary: string,
  params: Record<string, v.GenericSchema>,
  responses: Record<number, ResponseSpec>,
  errors: HttpErrorCode[] = [],
) {
  const auth = method === "options" ? "public" : "connection";
  return defineRoute({ method, path, operationId, summary, description: SOCKJS, tag: "sockjs", auth, params, responses, errors: [...SOCKJS_REFUSALS, ...errors] });
}

const greeting = { 200: { description: "`Welcome to SockJS!`", contentType: "text/plain" } };
const preflight = { 204: { description: "CORS preflight (for pages of allowed origins)" } };
const wrongTransportMethod = { 405: { description: "the transport exists with another method (empty body; Allow lists it)" } };
const SockjsInfo = v.object({ websocket: v.boolean(), origins: v.array(v.string()), cookie_needed: v.boolean(), entropy: v.number() });

export const SOCKJS_ROUTES = [
  sockjsRoute("get", "/sockjs/:room", "sockjsGreeting", "SockJS greeting", room, greeting),
  sockjsRoute("get", "/sockjs/:room/", "sockjsGreetingSlash", "SockJS greeting (trailing slash)", room, greeting),
  sockjsRoute("get", "/sockjs/:room/info", "sockjsInfo", "SockJS info", room, { 200: json("what the server offers", SockjsInfo) }),
  sockjsRoute("options", "/sockjs/:room/info", "sockjsInfoPreflight", "SockJS info preflight", room, preflight),
  sockjsRoute(
    "get",
    "/sockjs/:room/:server/:session/websocket",
    "sockjsWebSocket",
    "SockJS over WebSocket",
    sessionParams,
    { 101: { description: "switched; auth failures arrive as SockJS close frames" } },
    ["not_found", "bad_handshake", "upgrade_required", "unsupported_version", "too_many_connections"],
  ),
  sockjsRoute("get", "/sockjs/:room/:server/:session/:transport", "sockjsTransportGet", "SockJS eventsource transport", transportParams, { 200: { description: "the session's frames", contentType: "text/event-stream" }, ...wrongTransportMethod }, ["not_found"]),
  sockjsRoute(
    "post",
    "/sockjs/:room/:server/:session/:transport",
    "sockjsTransportPost",
    "SockJS xhr, xhr_streaming and xhr_send",
    transportParams,
    { 200: { description: "xhr / xhr_streaming frames", contentType: "application/javascript" }, 204: { description: "xhr_send: the messages were taken" }, ...wrongTransportMethod },
    ["not_found"],
  ),
  sockjsRoute("options", "/sockjs/:room/:server/:session/:transport", "sockjsTransportPreflight", "SockJS transport preflight", transportParams, preflight, ["not_found"]),
];

export const CONNECT_ROUTES = [connectWebSocket, streamEvents, ...SOCKJS_ROUTES];
