/**
 * @module sockjs-routes
 * The SockJS protocol under `/sockjs/:room` (docs/protocol.md §10), mounted by the Worker's router:
 * greeting, `info`, the websocket transport (bridged in the Worker) and the HTTP transports
 * xhr, xhr_streaming, xhr_send and eventsource (handed to the session's SockjsSession object).
 * The iframe-based transports (htmlfile, jsonp, iframe-*) are not offered: 404.
 * Bad room names are 400 as on every room route; foreign Origins 403; malformed session paths 404.
 */
import { Hono, type Context } from "hono";
import { configFrom } from "../../config";
import type { Env } from "../../env";
import { ROOM_NAME_RULE, isValidRoomName } from "../../shared/room-name";
import { topicsQueryProblem } from "../../shared/socket-budget";
import { checkUpgrade } from "../../worker/handshake";
import { errorResponse } from "../../worker/http-error";
import { connectAllowed } from "../../worker/upgrade-flood";
import { corsHeaders, preflightResponse } from "../cors";
import { refuseForeignOrigin } from "../http-admission";
import { GREETING, infoBody, isSessionPart } from "./framing";
import { NO_CACHE } from "./receivers";
import { bridgeSockjsWebSocket } from "./websocket-transport";

type SockjsEnv = { Bindings: Env };

/** The HTTP method each session transport uses (OPTIONS is its CORS preflight). */
const SESSION_TRANSPORT_METHODS: Readonly<Record<string, "GET" | "POST">> = {
  xhr: "POST",
  xhr_streaming: "POST",
  xhr_send: "POST",
  eventsource: "GET",
};
/** Where requests for a session object go; the object reads only the path and the query. */
const SESSION_ORIGIN = "https://sockjs.internal";

export const sockjsRoutes = new Hono<SockjsEnv>();

async function guard(c: Context<SockjsEnv>, next: () => Promise<void>): Promise<Response | void> {
  if (!isValidRoomName(c.req.param("room") ?? "")) {
    return errorResponse(400, "invalid_room", ROOM_NAME_RULE);
  }
  const foreign = refuseForeignOrigin(c.req.raw, configFrom(c.env));
  if (foreign) return foreign;
  // A `?topics=` list over the socket-state budget: the room would refuse the session's link, so
  // every transport (websocket too, before the upgrade) answers 400 like a WebSocket connect.
  const topicsProblem = topicsQueryProblem(c.req.query("topics"));
  if (topicsProblem) return errorResponse(400, "bad_request", topicsProblem, corsHeaders(c.req.raw));
  await next();
}
sockjsRoutes.use("/:room", guard);
sockjsRoutes.use("/:room/*", guard);

const greeting = () => new Response(GREETING, { headers: { "Content-Type": "text/plain; charset=UTF-8" } });
sockjsRoutes.get("/:room", greeting);
sockjsRoutes.get("/:room/", greeting);

sockjsRoutes.get("/:room/info", (c) => {
  const [entropy = 0] = crypto.getRandomValues(new Uint32Array(1));
  return new Response(infoBody(entropy), {
    headers: { ...corsHeaders(c.req.raw), "Content-Type": "application/json; charset=UTF-8", "Cache-Control": NO_CACHE },
  });
});
sockjsRoutes.options("/:room/info", (c) => preflightResponse(c.req.raw, "OPTIONS, GET"));

sockjsRoutes.get("/:room/:server/:session/websocket", async (c) => {
  const request = c.req.raw;
  if (!isSessionPart(c.req.param("server")) || !isSessionPart(c.req.param("session"))) return errorResponse(404, "not_found", "no such SockJS session path");
  const refused = checkUpgrade(request);
  if (refused) return refused;
  const config = configFrom(c.env);
  if (!(await connectAllowed(c.env, config, request))) return errorResponse(429, "too_many_connections", "too many new connections from this address; retry later");
  return bridgeSockjsWebSocket(request, c.env, config, c.req.param("room"));
});

sockjsRoutes.on(["GET", "POST", "OPTIONS"], "/:room/:server/:session/:transport", (c) => {
  const { room, server, session, transport } = c.req.param();
  const method = SESSION_TRANSPORT_METHODS[transport];
  if (!method || !isSessionPart(server) || !isSessionPart(session)) return errorResponse(404, "not_found", "no such SockJS transport");
  const request = c.req.raw;
  if (request.method === "OPTIONS") return preflightResponse(request, `OPTIONS, ${method}`);
  if (request.method !== method) return new Response(null, { status: 405, headers: { Allow: `OPTIONS, ${method}` } });
  const url = new URL(request.url);
  const target = new URL(`/${encodeURIComponent(room)}/${transport}${url.search}`, SESSION_ORIGIN);
  const namespace = c.env.SOCKJS_SESSIONS;
  return namespace.get(namespace.idFromName(`${room}/${session}`)).fetch(new Request(target, request));
});
