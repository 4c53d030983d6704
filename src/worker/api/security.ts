/**
 * @module security
 * The document's security schemes (docs/protocol.md §5): the HTTP API takes the API key or an
 * admin token as a bearer; connections take a connection token (bearer, `?token=` or the
 * `roomcast.token.<jwt>` subprotocol) or a single-use ticket.
 */
import type { Auth } from "./route-spec";

export const SECURITY_SCHEMES = {
  apiKey: { type: "http", scheme: "bearer", description: "`Authorization: Bearer <API_KEY>` (a secret), for every room" },
  adminToken: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "a JWT (HS256, JWT_SECRET) whose `can` includes `admin`; its `rooms` patterns limit the rooms it may use (403 outside them)",
  },
  connectionToken: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "a connection JWT (`sub`, `exp`, `rooms`, `can`); also accepted as `?token=` or the `roomcast.token.<jwt>` subprotocol",
  },
  tokenQuery: { type: "apiKey", in: "query", name: "token", description: "a connection JWT in the URL" },
  ticket: { type: "apiKey", in: "query", name: "ticket", description: "a single-use ticket from POST /rooms/{room}/tickets" },
} as const;

/** The `security` of an operation: any one of the listed schemes. */
export function securityOf(auth: Auth): Array<Record<string, string[]>> {
  switch (auth) {
    case "api":
      return [{ apiKey: [] }, { adminToken: [] }];
    case "connection":
      return [{ connectionToken: [] }, { tokenQuery: [] }, { ticket: [] }];
    case "public":
      return [];
  }
}
