/**
 * @module bare-relay
 * The benchmark baseline: the smallest Durable Object relay with the Hibernation API.
 * `GET /rooms/:room` + Upgrade → one object per room; every frame goes to every other socket.
 */
import { DurableObject } from "cloudflare:workers";

export class Relay extends DurableObject {
  fetch() {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }
  webSocketMessage(ws, message) {
    for (const peer of this.ctx.getWebSockets()) if (peer !== ws) peer.send(message);
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
