/**
 * @module handshake
 * RFC 6455 §4 checks the Worker makes before any Durable Object is touched, and the choice of
 * subprotocol (docs/protocol.md §1, §3). Returns an error Response, or what the room needs to accept.
 * Runtime-free, so the unit tests run it in Node.
 */
import { SUBPROTOCOL_V1, TOKEN_SUBPROTOCOL_PREFIX, type WireMode } from "../shared/protocol";
import { errorResponse } from "../shared/http-error";
import { MAX_OFFERED_SUBPROTOCOLS } from "../shared/limits";
import { ErrorCode } from "../shared/error-codes";

/** The key must be base64 of exactly 16 bytes: 22 characters and `==` (RFC 6455 §4.1). */
const WEBSOCKET_KEY_PATTERN = /^[A-Za-z0-9+/]{21}[AQgw]==$/;
const SUPPORTED_WEBSOCKET_VERSION = "13";

function hasToken(header: string | null, token: string): boolean {
  if (!header) return false;
  return header.split(",").some((part) => part.trim().toLowerCase() === token);
}

/** null when the request is a well-formed WebSocket upgrade, else the answer to send. */
export function checkUpgrade(request: Request): Response | null {
  const headers = request.headers;
  if (!hasToken(headers.get("Upgrade"), "websocket") || !hasToken(headers.get("Connection"), "upgrade")) {
    return errorResponse(ErrorCode.upgradeRequired, "this endpoint speaks WebSocket: send an Upgrade: websocket request");
  }
  if (headers.get("Sec-WebSocket-Version")?.trim() !== SUPPORTED_WEBSOCKET_VERSION) {
    return errorResponse(ErrorCode.unsupportedVersion, "Sec-WebSocket-Version must be 13", {
      "Sec-WebSocket-Version": SUPPORTED_WEBSOCKET_VERSION,
    });
  }
  if (!WEBSOCKET_KEY_PATTERN.test(headers.get("Sec-WebSocket-Key")?.trim() ?? "")) {
    return errorResponse(ErrorCode.badHandshake, "Sec-WebSocket-Key must be base64 of 16 bytes");
  }
  return null;
}

/** STOMP over WebSocket (docs/protocol.md §10), best first; bridged by the Worker (src/transports/stomp). */
export const STOMP_SUBPROTOCOLS = ["v12.stomp", "v11.stomp", "v10.stomp"] as const;

export interface SubprotocolChoice {
  /** For STOMP: the mode of the bridge's own link to the room. */
  mode: WireMode;
  /** The one subprotocol echoed in the 101 answer, if any (never a token entry). */
  chosen: string | undefined;
  /** A connection token carried as `roomcast.token.<jwt>`, if offered. */
  token: string | undefined;
  /** True when a STOMP subprotocol was chosen: the Worker bridges it instead of handing it over. */
  stomp?: true;
}

/** Picks the wire mode from Sec-WebSocket-Protocol, or null when the list is abusive. */
export function chooseSubprotocol(header: string | null): SubprotocolChoice | null {
  const offered = header ? header.split(",").map((entry) => entry.trim()).filter(Boolean) : [];
  if (offered.length > MAX_OFFERED_SUBPROTOCOLS) return null;
  const token = offered.find((entry) => entry.startsWith(TOKEN_SUBPROTOCOL_PREFIX))?.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
  if (offered.includes(SUBPROTOCOL_V1)) return { mode: "v1", chosen: SUBPROTOCOL_V1, token };
  const stomp = STOMP_SUBPROTOCOLS.find((name) => offered.includes(name));
  if (stomp) return { mode: "v1", chosen: stomp, token, stomp: true };
  return { mode: "raw", chosen: undefined, token };
}
