/**
 * @module sockjs-routes
 * The SockJS protocol under `/sockjs/:room` (docs/protocol.md §10), mounted by the Worker's router:
 * greeting, `info`, the websocket transport (bridged in the Worker) and the HTTP transports
 * xhr, xhr_streaming, xhr_send and eventsource (handed to the session's SockjsSession object).
 * The iframe-based transports (htmlfile, jsonp, iframe-*) are not offered: 404.
 * Bad room names are 400 as on every room route; foreign Origins 403; malformed session paths 404.
 * Connections are admitted by src/admission (websocket here, HTTP sessions in session.ts).
 */
import { Hono, type Context } from "hono";
import { admitConnection, errorResponse, invalidRoomResponse, refuseForeignOrigin, refuseTopicsQuery } from "../../admission";
import { configFrom } from "../../config";
import type { Env } from "../../env";
import { placedStub } from "../../room/room-placement";
import { policyFor } from "../../room-policies";
import { isValidRoomName } from "../../shared/room-name";
import { corsHeaders, preflightResponse } from "../cors";
import { GREETING, infoBody, isSessionPart } from "./framing";
import { NO_CACHE } from "./receivers";
import { bridgeSockjsWebSocket } from "./websocket-transport";
import { ErrorCode } from "../../shared/error-codes";

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
  if (!isValidRoomName(c.req.param("room") ?? "")) return invalidRoomResponse();
  // Every SockJS route, info and greeting included, is for pages of allowed origins only.
  const foreign = refuseForeignOrigin(c.req.raw, configFrom(c.env));
  if (foreign) return foreign;
  // Checked here, for every transport (websocket too, before the upgrade): the room would refuse
  // the session's link, so the client is told why as it would be on a WebSocket connect.
  const badTopics = refuseTopicsQuery(c.req.query("topics"), corsHeaders(c.req.raw));
  if (badTopics) return badTopics;
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
  if (!isSessionPart(c.req.param("server")) || !isSessionPart(c.req.param("session"))) return errorResponse(ErrorCode.notFound, "no such SockJS session path");
  const config = configFrom(c.env);
  const room = c.req.param("room");
  // Auth failures are told after the upgrade, as SockJS close frames (websocket-transport.ts).
  const admitted = await admitConnection({ request, env: c.env, config, room }, { upgrade: true, countConnect: true, refuseAuthAs: "close-code" });
  if (!admitted.ok && "response" in admitted) return admitted.response;
  return bridgeSockjsWebSocket(request, c.env, config, room, admitted);
});

sockjsRoutes.on(["GET", "POST", "OPTIONS"], "/:room/:server/:session/:transport", (c) => {
  const { room, server, session, transport } = c.req.param();
  const method = SESSION_TRANSPORT_METHODS[transport];
  if (!method || !isSessionPart(server) || !isSessionPart(session)) return errorResponse(ErrorCode.notFound, "no such SockJS transport");
  const request = c.req.raw;
  if (request.method === "OPTIONS") return preflightResponse(request, `OPTIONS, ${method}`);
  if (request.method !== method) return new Response(null, { status: 405, headers: { Allow: `OPTIONS, ${method}` } });
  const url = new URL(request.url);
  const target = new URL(`/${encodeURIComponent(room)}/${transport}${url.search}`, SESSION_ORIGIN);
  // A session buffers the room's messages: it is placed where the room is (room-placement.ts).
  const placement = policyFor(configFrom(c.env).policies, room);
  return placedStub(c.env.SOCKJS_SESSIONS, placement, `${room}/${session}`).fetch(new Request(target, request));
});
