/**
 * @module bare-relay
 * The benchmark baseline: the smallest Durable Object relay with the Hibernation API.
 * `GET /rooms/:room` + Upgrade → one object per room; every frame goes to every other socket,
 * and back to its sender when it connected with `?echo=1` (the ingest scenario's publishers,
 * like roomcast's raw `?echo=1`); the flag is the socket's hibernation tag. `?hello=1` sends one
 * welcome-sized frame on connect (bench/connect-ab.mjs: what a greeting costs the runtime).
 */
import { DurableObject } from "cloudflare:workers";

const ECHO_TAG = "echo";
/** The shape and size (~380 bytes) of a roomcast.v1 welcome in a counting room of the bench. */
const HELLO_FRAME = JSON.stringify({
  type: "hello", room: "bench-v1-r1-1764440000000-0", connectionId: "c_0123456789abcdef0123", epoch: "e0123456789abcdef", seq: 200,
  presence: "counts", members: [], memberCount: 250, userCount: 250,
  limits: { maxMessageBytes: 65536, maxConnectionsPerRoom: 10000, rateLimitMessagesPerSecond: 50, historyMaxMessages: 1000, historyMaxAgeSeconds: 3600, presenceStateMaxBytes: 1024 },
});

export class Relay extends DurableObject {
  fetch(request) {
    const [client, server] = Object.values(new WebSocketPair());
    const params = new URL(request.url).searchParams;
    const echo = params.get("echo") === "1";
    this.ctx.acceptWebSocket(server, echo ? [ECHO_TAG] : []);
    // `?hello=1` (bench/connect-ab.mjs only): one welcome-sized frame on connect, the runtime's cost of a greeting.
    if (params.get("hello") === "1") server.send(HELLO_FRAME);
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
