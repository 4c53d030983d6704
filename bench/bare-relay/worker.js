/**
 * @module bare-relay
 * The benchmark baseline: the smallest Durable Object relay with the Hibernation API.
 * `GET /rooms/:room` + Upgrade → one object per room; every frame goes to every other socket,
 * and back to its sender when it connected with `?echo=1` (the ingest scenario's publishers,
 * like roomcast's raw `?echo=1`); the flag is the socket's hibernation tag.
 */
import { DurableObject } from "cloudflare:workers";

const ECHO_TAG = "echo";

export class Relay extends DurableObject {
  fetch(request) {
    const [client, server] = Object.values(new WebSocketPair());
    const echo = new URL(request.url).searchParams.get("echo") === "1";
    this.ctx.acceptWebSocket(server, echo ? [ECHO_TAG] : []);
    return new Response(null, { status: 101, webSocket: client });
  }
  webSocketMessage(ws, message) {
    const echo = this.ctx.getTags(ws).length > 0;
    for (const peer of this.ctx.getWebSockets()) if (peer !== ws || echo) peer.send(message);
  }
  webSocketClose(ws, code, reason) {
    try { ws.close(code, reason); } catch { /* 1005/1006: nothing to answer */ }
  }
}

export default {
  fetch(request, env) {
    const room = new URL(request.url).pathname.match(/^\/rooms\/([\w.:-]{1,128})$/)?.[1];
    if (!room || request.headers.get("Upgrade") !== "websocket") return new Response("not found", { status: 404 });
    return env.RELAY.get(env.RELAY.idFromName(room)).fetch(request);
  },
};
