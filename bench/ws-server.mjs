/**
 * @module ws-server
 * The Node baseline of `npm run bench`: a plain `ws` broadcast server in one Node process.
 * `GET /rooms/:room` + Upgrade joins that room; every frame goes to every other open socket of
 * the room. Usage: `node bench/ws-server.mjs <port>`; prints `listening <port>` when ready.
 */
import { WebSocketServer } from "ws";

const HOST = "127.0.0.1";
const ROOM_PATH = /^\/rooms\/([\w.:-]{1,128})$/;
const OPEN = 1;
/** Same as every client of the benchmark: no permessage-deflate. */
const PER_MESSAGE_DEFLATE = false;

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error("usage: node bench/ws-server.mjs <port>");

/** room name → its open sockets */
const rooms = new Map();
const server = new WebSocketServer({ host: HOST, port, perMessageDeflate: PER_MESSAGE_DEFLATE, clientTracking: false });

server.shouldHandle = (request) => ROOM_PATH.test(request.url ?? "");
server.on("wsClientError", (error, socket) => socket.destroy(error));
server.on("connection", (ws, request) => {
  const room = ROOM_PATH.exec(request.url)[1];
  let peers = rooms.get(room);
  if (!peers) rooms.set(room, (peers = new Set()));
  peers.add(ws);
  ws.on("message", (data, isBinary) => {
    for (const peer of peers) if (peer !== ws && peer.readyState === OPEN) peer.send(data, { binary: isBinary });
  });
  ws.on("error", () => ws.terminate());
  ws.on("close", () => {
    peers.delete(ws);
    if (peers.size === 0) rooms.delete(room);
  });
});
server.on("listening", () => console.log(`listening ${port}`));
process.on("SIGTERM", () => process.exit(0));
