/**
 * @module sockjs-websocket-transport
 * SockJS's websocket transport, `GET /sockjs/:room/:server/:session/websocket`: the Worker
 * accepts the client's socket and bridges it to its own room link, framing with `o`, `h`,
 * `a[...]` and `c[...]`. Its lifetime is the socket's, so no session object is needed.
 * Auth failures and room refusals are a `c[code,reason]` frame and then a close with that code,
 * for the same reason WebSocket connects get close codes instead of HTTP errors (docs/protocol.md §4).
 */
import type { Admitted, CloseRefusal } from "../../admission";
import type { Config } from "../../config";
import type { Env } from "../../env";
import { log } from "../../log";
import { CloseCode } from "../../shared/close-codes";
import { closeQuietly } from "../../shared/close-quietly";
import { Close } from "../../shared/closes";
import { acceptAnsweringCloses, answerClientClose } from "../close-socket";
import { forwardableCloseCode, openRoomLink } from "../room-link";
import { transportSettings } from "../transport-settings";
import { HEARTBEAT_FRAME, OPEN_FRAME, closeFrame, messagesFrame, parseClientPayload } from "./framing";
import { rawTextsOf, relayClientTexts } from "./raw-bridge";

/** Bridges an upgrade that passed admission's HTTP checks; `admitted` is its auth outcome. */
export async function bridgeSockjsWebSocket(request: Request, env: Env, config: Config, room: string, admitted: Admitted | CloseRefusal): Promise<Response> {
  const { heartbeatMs } = transportSettings(env);
  const url = new URL(request.url);
  const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
  acceptAnsweringCloses(server);
  const response = new Response(null, { status: 101, webSocket: client });
  const refuse = (code: number, reason: string) => {
    log("reject", { room, code, reason });
    server.send(closeFrame(code, reason));
    closeQuietly(server, forwardableCloseCode(code), reason);
    return response;
  };
  if (!admitted.ok) return refuse(admitted.close.code, admitted.close.reason);
  const opened = await openRoomLink(env, {
    room,
    grant: admitted.grant,
    query: { topics: url.searchParams.get("topics") ?? undefined, echo: url.searchParams.get("echo") ?? undefined },
  });
  if (!opened.ok) return refuse(opened.code, opened.reason);
  const { link } = opened;
  server.send(OPEN_FRAME);
  const heartbeat = setInterval(() => send(HEARTBEAT_FRAME), heartbeatMs);
  const send = (frame: string) => {
    try {
      server.send(frame);
    } catch {
      finish();
    }
  };
  let finished = false;
  const finish = (code?: number, reason = "") => {
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    link.close(Close.sockjsClientGone);
    if (code !== undefined) send(closeFrame(code, reason));
    closeQuietly(server, code, reason);
  };
  link.start({
    onFrame(frame) {
      const texts = rawTextsOf(frame);
      if (texts.length > 0) send(messagesFrame(texts));
    },
    onClose: (code, reason) => finish(forwardableCloseCode(code), reason),
  });
  server.addEventListener("message", (event) => {
    if (typeof event.data !== "string") return finish(Close.sockjsTextOnly.code, Close.sockjsTextOnly.reason);
    const payload = parseClientPayload(event.data);
    // sockjs-protocol: broken JSON from the client ends the connection at once.
    if (!payload.ok) return finish(CloseCode.invalidPayload, payload.message);
    const relayed = relayClientTexts(link, payload.messages, config.limits.maxMessageBytes);
    if (!relayed.ok) finish(relayed.code, relayed.reason);
  });
  server.addEventListener("close", (event) => {
    // Answer first: finish() would otherwise close with no status.
    answerClientClose(server, event);
    finish();
  });
  server.addEventListener("error", () => finish());
  return response;
}
