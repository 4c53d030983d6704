/**
 * @module subprotocols
 * The Sec-WebSocket-Protocol names a client may offer (docs/protocol.md §3, §5), and the wire mode
 * the room picks from them.
 */

/** The JSON frame protocol of this document. Without it a connection is raw. */
export const SUBPROTOCOL_V1 = "roomcast.v1";
/** A token carried as a subprotocol (browsers cannot set headers on a WebSocket). */
export const TOKEN_SUBPROTOCOL_PREFIX = "roomcast.token.";

/** The wire mode of one connection. */
export type WireMode = "raw" | "v1";
