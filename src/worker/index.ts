/**
 * @module index
 * The Worker entry: the hono app as the fetch handler, and the Room Durable Object class.
 */
import { app } from "./app";

export { Room } from "../room/room";
export { SockjsSession } from "../transports/sockjs/session";
export default app;
