/**
 * @module sse-route
 * `GET /rooms/:room/events` (docs/protocol.md §10): a Server-Sent Events stream of a room, for networks that
 * block WebSocket. It is an adapter: the Worker opens its own `roomcast.v1` link to the room
 * (same auth, limits, topics and seq space as any connection) and writes each message as an
 * event with `id:` = seq. Resume: `Last-Event-ID` (or `?since=`) with optional `?epoch=`; without
 * an epoch it resumes within the room's current epoch (see README "Server-Sent Events").
 * Publishing goes through the HTTP API, as for any receive-only client.
 */
import { admitConnection, authFailureResponse, errorResponse, refuseTopicsQuery } from "../../admission";
import { configFrom } from "../../config";
import type { Env } from "../../env";
import { log } from "../../log";
import { roomObjectStub } from "../../room/room-placement";
import { CloseCode } from "../../shared/close-codes";
import { Close } from "../../shared/closes";
import { corsHeaders } from "../cors";
import { openRoomLink, type RoomLink } from "../room-link";
import { TextStream } from "../text-stream";
import { transportSettings } from "../transport-settings";
import { SSE_HEARTBEAT, encodeMessageEvent, encodeRetry, encodeSseEvent, parseResume, type ResumeRequest } from "./sse-format";
import { ErrorCode } from "../../shared/error-codes";

/** What EventSource waits before reconnecting after the stream ends, in ms. */
export const SSE_RETRY_MS = 2_000;
/** Seconds a client told "room is full" should wait (HTTP Retry-After). */
const FULL_ROOM_RETRY_AFTER_SECONDS = 5;

export async function handleSse(request: Request, env: Env, room: string): Promise<Response> {
  const config = configFrom(env);
  const { heartbeatMs } = transportSettings(env);
  const url = new URL(request.url);
  const parsed = parseResume(request.headers.get("Last-Event-ID"), url.searchParams.get("since"), url.searchParams.get("epoch"));
  if (!parsed.ok) return errorResponse(ErrorCode.badRequest, parsed.message, corsHeaders(request));
  // Over the socket-state budget the room refuses the link: say why, as a WebSocket connect would.
  const badTopics = refuseTopicsQuery(url.searchParams.get("topics"), corsHeaders(request));
  if (badTopics) return badTopics;
  const admission = await admitConnection({ request, env, config, room }, { countConnect: true, refuseAuthAs: "http-status", corsHeaders: corsHeaders(request) });
  if (!admission.ok) {
    log("reject", { room, status: admission.response.status });
    return admission.response;
  }
  const resume = await resumeQuery(env, room, parsed.resume);
  const opened = await openRoomLink(env, { room, grant: admission.grant, query: { topics: url.searchParams.get("topics") ?? undefined, ...resume } });
  if (!opened.ok) return refusal(opened.code, opened.reason, request);

  const { link, welcome } = opened;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    if (heartbeat !== undefined) clearInterval(heartbeat);
    heartbeat = undefined;
  };
  const stream = new TextStream(() => {
    stop();
    link.close(Close.eventStreamEnded);
  });
  const welcomeData = {
    room: welcome.room,
    connectionId: welcome.connectionId,
    ...(welcome.userId ? { userId: welcome.userId } : {}),
    epoch: welcome.epoch,
    seq: welcome.seq,
    ...(welcome.recovered === undefined ? {} : { recovered: welcome.recovered }),
    ...(welcome.missed === undefined ? {} : { missed: welcome.missed }),
  };
  stream.write(encodeRetry(SSE_RETRY_MS) + encodeSseEvent({ event: "welcome", data: JSON.stringify(welcomeData) }));
  attach(link, stream, stop);
  heartbeat = setInterval(() => stream.write(SSE_HEARTBEAT), heartbeatMs);
  return new Response(stream.readable, {
    headers: {
      ...corsHeaders(request),
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
}

/** Room frames → events; the room closing the link ends the stream with an `event: close`. */
function attach(link: RoomLink, stream: TextStream, stop: () => void): void {
  link.start({
    onFrame(frame) {
      if (frame.type === "message") stream.write(encodeMessageEvent(frame));
      else if (frame.type === "batch") stream.write(frame.messages.map(encodeMessageEvent).join(""));
      else if (frame.type === "direct") stream.write(encodeSseEvent({ event: "direct", data: JSON.stringify({ from: frame.from, data: frame.data, ts: frame.ts }) }));
    },
    onClose(code, reason) {
      stop();
      stream.write(encodeSseEvent({ event: "close", data: JSON.stringify({ code, reason }) }));
      stream.close();
    },
  });
}

/**
 * The room's resume query. A bare seq (Last-Event-ID is only a seq, docs/protocol.md §10) resumes within the
 * room's current epoch, read over RPC just before connecting; `?epoch=` makes the room check it.
 */
async function resumeQuery(env: Env, room: string, resume: ResumeRequest): Promise<{ since?: string; epoch?: string }> {
  if (resume.since === undefined) return {};
  let epoch = resume.epoch;
  if (epoch === undefined) {
    const history = JSON.parse(await roomObjectStub(env, configFrom(env), room).readHistory(0, 0)) as { epoch: string };
    epoch = history.epoch;
  }
  return { since: String(resume.since), epoch };
}

/** A room that refused the link, as HTTP: auth → 401/403, full → 503 with Retry-After. */
function refusal(code: number, reason: string, request: Request): Response {
  if (code === CloseCode.unauthorized || code === CloseCode.forbidden) return authFailureResponse(code, reason, corsHeaders(request));
  if (code === CloseCode.tryAgainLater) {
    return errorResponse(ErrorCode.roomFull, reason, { ...corsHeaders(request), "Retry-After": String(FULL_ROOM_RETRY_AFTER_SECONDS) });
  }
  return errorResponse(ErrorCode.roomUnavailable, "the room did not accept the stream; retry later", corsHeaders(request));
}
