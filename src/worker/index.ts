/**
 * @module index
 * The Worker entry: validates the vars as the module loads (startup.ts), then exports the hono
 * app as the fetch handler, the occupancy queue consumer (src/operations) and the Durable
 * Object classes.
 */
import { env } from "cloudflare:workers";
import { validateAtLoad } from "./startup";
import { app } from "./app";
import type { Env } from "../env";
import { handleQueue } from "../operations/queue-consumer";

validateAtLoad(env as unknown as Record<string, unknown>);

export { Room } from "../room/room";
export { SockjsSession } from "../transports/sockjs/session";
export default {
  fetch: app.fetch,
  queue: handleQueue,
} satisfies ExportedHandler<Env>;
