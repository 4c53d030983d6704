/**
 * @module stomp-bridge
 * STOMP over WebSocket on `GET /rooms/:room` (subprotocols v12.stomp, v11.stomp, v10.stomp;
 * docs/protocol.md §10). The Worker accepts the client's socket itself and bridges it to its own
 * `roomcast.v1` link to the room, with a StompSession translating between the two; the Worker
 * invocation lives as long as the two sockets do. The link asks for echo: like a broker, a STOMP
 * client subscribed to a destination also gets what it sends there.
 * Auth already happened (same rules and close codes as any WebSocket connect); a room that
 * refuses the link (full: 1013, ticket reused: 4001) is reported as ERROR, then that close code.
 */
import type { ConnectionGrant } from "../../admission";
import { configFrom } from "../../config";
import type { Env } from "../../env";
import { log } from "../../log";
import { closeQuietly } from "../../shared/close-quietly";
import { Close } from "../../shared/closes";
import { acceptAnsweringCloses, answerClientClose } from "../close-socket";
import { forwardableCloseCode, openRoomLink } from "../room-link";
import { transportSettings } from "../transport-settings";
import { encodeFrame } from "./frame";
import { StompSession } from "./stomp-session";

export async function bridgeStomp(env: Env, room: string, subprotocol: string, grant: ConnectionGrant): Promise<Response> {
  const config = configFrom(env);
  const { heartbeatMs } = transportSettings(env);
  const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
  acceptAnsweringCloses(server);
  const response = new Response(null, { status: 101, webSocket: client, headers: { "Sec-WebSocket-Protocol": subprotocol } });
  const opened = await openRoomLink(env, { room, grant, query: { echo: "1" } });
  if (!opened.ok) {
    log("reject", { room, code: opened.code, reason: opened.reason });
    server.send(encodeFrame("ERROR", [["message", opened.reason]], opened.reason));
    closeQuietly(server, forwardableCloseCode(opened.code), opened.reason);
    return response;
  }
  const { link, welcome } = opened;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const session = new StompSession(
    {
      toClient: (text) => {
        try {
          server.send(text);
        } catch {
          session.onClientClosed();
          link.close(Close.stompClientGone);
        }
      },
      toRoom: (frame) => link.send(frame),
      close: (code, reason) => {
        if (timer !== undefined) clearTimeout(timer);
        link.close(Close.stompConnectionClosed);
        closeQuietly(server, code, reason);
      },
      now: () => Date.now(),
    },
    { maxBodyBytes: config.limits.maxMessageBytes, heartbeatMs, idPrefix: welcome.connectionId, sessionId: welcome.connectionId },
  );
  link.start({
    onFrame: (frame) => session.onRoomFrame(frame),
    onClose: (code, reason) => session.onRoomClosed(forwardableCloseCode(code), reason),
  });
  server.addEventListener("message", (event) => session.onClientMessage(event.data as string | ArrayBuffer));
  const clientGone = () => {
    if (timer !== undefined) clearTimeout(timer);
    session.onClientClosed();
    link.close(Close.stompClientGone);
  };
  server.addEventListener("close", (event) => {
    answerClientClose(server, event);
    clientGone();
  });
  server.addEventListener("error", () => {
    clientGone();
    closeQuietly(server);
  });
  const tick = () => {
    session.tick();
    if (!session.isClosed) timer = setTimeout(tick, session.tickEveryMs());
  };
  timer = setTimeout(tick, session.tickEveryMs());
  return response;
}
