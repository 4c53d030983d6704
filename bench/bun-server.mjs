/**
 * @module bun-server
 * The Bun baseline of `npm run bench`: Bun's built-in WebSocket pub/sub (`Bun.serve`,
 * uWebSockets underneath). `GET /rooms/:room` + Upgrade subscribes the socket to the topic
 * `room`; every message is `ws.publish`ed to it, which skips the sender (publishToSelf is off).
 * Usage: `node_modules/.bin/bun bench/bun-server.mjs <port>`; prints `listening <port>` when ready.
 */
const HOST = "127.0.0.1";
const ROOM_PATH = /^\/rooms\/([\w.:-]{1,128})$/;
const HTTP_NOT_FOUND = 404;
const HTTP_BAD_REQUEST = 400;
/** Seconds without traffic before Bun closes a socket (default 120); the memory phase idles longer. */
const IDLE_TIMEOUT_SECONDS = 960;
/** Same as every client of the benchmark: no permessage-deflate. */
const PER_MESSAGE_DEFLATE = false;

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error("usage: bun bench/bun-server.mjs <port>");

Bun.serve({
  hostname: HOST,
  port,
  fetch(request, server) {
    const room = ROOM_PATH.exec(new URL(request.url).pathname)?.[1];
    if (!room) return new Response("not found", { status: HTTP_NOT_FOUND });
    if (server.upgrade(request, { data: { room } })) return undefined;
    return new Response("WebSocket upgrade expected", { status: HTTP_BAD_REQUEST });
  },
  websocket: {
    perMessageDeflate: PER_MESSAGE_DEFLATE,
    idleTimeout: IDLE_TIMEOUT_SECONDS,
    publishToSelf: false,
    open(ws) {
      ws.subscribe(ws.data.room);
    },
    message(ws, message) {
      ws.publish(ws.data.room, message);
    },
  },
});
console.log(`listening ${port}`);
process.on("SIGTERM", () => process.exit(0));
