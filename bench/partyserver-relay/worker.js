/**
 * @module partyserver-relay
 * The partyserver baseline of `npm run bench`: a hibernating partyserver `Server` that
 * broadcasts every message to the room's other connections, routed the partyserver way
 * (`/parties/relay/:room` through routePartykitRequest). Same workerd and compatibility date
 * as the gateway and the bare relay.
 */
import { Server, routePartykitRequest } from "partyserver";

export class Relay extends Server {
  static options = { hibernate: true };

  onMessage(connection, message) {
    this.broadcast(message, [connection.id]);
  }
}

export default {
  async fetch(request, env) {
    return (await routePartykitRequest(request, env)) ?? new Response("not found", { status: 404 });
  },
};
