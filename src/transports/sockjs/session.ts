/**
 * @module sockjs-session
 * The SockjsSession Durable Object: one per SockJS session of the HTTP transports (xhr polling,
 * xhr_streaming, eventsource), named by room and session id. A session outlives each request,
 * so it needs an object of its own; the object holds the session's `roomcast.v1` link to the
 * room and never touches the room otherwise. Auth and the per-IP connect limit apply when a
 * session is created, with the same rules as a WebSocket connect; auth failures and room
 * refusals are a SockJS close frame with the usual code (the client's `close` event gets it).
 */
import { DurableObject } from "cloudflare:workers";
import { admitConnection, errorResponse, readBodyText, type ConnectionGrant } from "../../admission";
import { configFrom } from "../../config";
import type { Env } from "../../env";
import { log } from "../../log";
import { Close } from "../../shared/closes";
import { corsHeaders } from "../cors";
import { openRoomLink } from "../room-link";
import { transportSettings } from "../transport-settings";
import { parseClientPayload } from "./framing";
import { relayClientTexts } from "./raw-bridge";
import { NO_CACHE, RECEIVER_KINDS, newReceiver, type Receiver, type ReceiverKind } from "./receivers";
import { SockjsSessionState } from "./session-state";
import { ErrorCode } from "../../shared/error-codes";

/** xhr_send bodies batch messages: allow this many full-size messages per request. */
const MESSAGES_PER_SEND_REQUEST = 8;

export class SockjsSession extends DurableObject<Env> {
  private session: SockjsSessionState | undefined;

  /** Requests come from the Worker's SockJS routes as `/<room>/<transport>?<client query>`. */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const [, roomPart = "", transport = ""] = url.pathname.split("/");
    const room = decodeURIComponent(roomPart);
    if (transport === "xhr_send") return this.onSend(request);
    if (RECEIVER_KINDS.has(transport)) return this.onReceive(request, url, room, transport as ReceiverKind);
    return errorResponse(ErrorCode.notFound, "no such SockJS transport");
  }

  private async onReceive(request: Request, url: URL, room: string, kind: ReceiverKind): Promise<Response> {
    const existing = this.session;
    let receiver: Receiver | undefined;
    receiver = newReceiver(kind, request, () => this.session?.receiverGone(receiver!));
    if (existing) {
      existing.attach(receiver);
      return receiver.response();
    }
    // Created before any await, so a concurrent request finds it (and is told 2010).
    const { heartbeatMs } = transportSettings(this.env);
    const session = new SockjsSessionState(heartbeatMs, () => {
      if (this.session === session) this.session = undefined;
    });
    this.session = session;
    session.attach(receiver);
    const config = configFrom(this.env);
    // The Worker's SockJS routes already checked the Origin; admission checks it again for free.
    const admitted = await admitConnection({ request, env: this.env, config, room }, { countConnect: true, refuseAuthAs: "close-code", corsHeaders: corsHeaders(request) });
    if (!admitted.ok && "response" in admitted) {
      this.session = undefined;
      receiver.end();
      return admitted.response;
    }
    if (!admitted.ok) session.close(admitted.close);
    else {
      this.open(session, admitted.grant, url, room).catch((error: unknown) => {
        log("error", { room, where: "SockjsSession.open", error });
        session.close(Close.sockjsRoomUnavailable);
      });
    }
    return receiver.response();
  }

  private async open(session: SockjsSessionState, grant: ConnectionGrant, url: URL, room: string): Promise<void> {
    const opened = await openRoomLink(this.env, {
      room,
      grant,
      query: { topics: url.searchParams.get("topics") ?? undefined, echo: url.searchParams.get("echo") ?? undefined },
    });
    if (opened.ok) session.opened(opened.link);
    else session.close(opened);
  }

  private async onSend(request: Request): Promise<Response> {
    const session = this.session;
    const cors = corsHeaders(request);
    if (!session || session.phase !== "open" || !session.link) return errorResponse(ErrorCode.notFound, "no such SockJS session", cors);
    const { maxMessageBytes } = configFrom(this.env).limits;
    const body = await readBodyText(request, maxMessageBytes * MESSAGES_PER_SEND_REQUEST);
    if (!body.ok) return body.response;
    // sockjs-protocol: an empty or broken body is a 500 with these exact words.
    if (body.value === "") return plainText(500, "Payload expected.", cors);
    const payload = parseClientPayload(body.value);
    if (!payload.ok) return plainText(500, payload.message, cors);
    const relayed = relayClientTexts(session.link, payload.messages, maxMessageBytes);
    if (!relayed.ok) session.close(relayed);
    return new Response(null, { status: 204, headers: { ...cors, "Content-Type": "text/plain; charset=UTF-8", "Cache-Control": NO_CACHE } });
  }
}

function plainText(status: number, text: string, headers: Record<string, string>): Response {
  return new Response(text, { status, headers: { ...headers, "Content-Type": "text/plain; charset=UTF-8", "Cache-Control": NO_CACHE } });
}
