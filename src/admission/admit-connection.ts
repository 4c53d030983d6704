/**
 * @module admit-connection
 * Admitting one connection, whatever way it comes in (docs/protocol.md §4, §5, §7, §10): a WebSocket
 * connect or STOMP bridge on `GET /rooms/:room`, an SSE stream, a SockJS websocket or a new SockJS
 * HTTP session. The checks always run in this order, each where the caller asks for it:
 * RFC 6455 upgrade → Origin → connect-flood limit → `?topics=` budget → subprotocol choice →
 * connection auth. Every check before auth is answered as HTTP. An auth failure is answered the
 * way the transport can show it: an HTTP status (SSE), an upgrade that closes at once with the
 * code (WebSocket and STOMP: a browser sees only 1006 for a refused upgrade), or a close code the
 * transport frames itself (SockJS's `c[code,reason]`).
 */
import type { Config } from "../config";
import type { Env } from "../env";
import { log } from "../log";
import { refuseUpgrade } from "../refuse-upgrade";
import { connectAllowed } from "./connect-flood";
import { authenticateConnection, type ConnectionGrant } from "./connection-auth";
import { checkUpgrade, chooseSubprotocol, type SubprotocolChoice } from "./handshake";
import { refuseForeignOrigin } from "./origin";
import { authFailureResponse, tooManyConnectionsResponse, tooManySubprotocolsResponse } from "./refusals";
import { refuseTopicsQuery } from "./topics-query";

/** The connection asking in, and where it wants to go. */
export interface ConnectionRequest {
  request: Request;
  env: Env;
  config: Config;
  room: string;
}

/** How an auth failure (close code 4001 or 4003) is answered; see the module comment. */
export type AuthRefusal = "http-status" | "close-after-upgrade" | "close-code";

export interface AdmitConnectionOptions {
  /** A WebSocket connect: check the upgrade first (426/400). */
  upgrade?: boolean;
  /** Count this request against CONNECT_LIMITER (new connections only, not every poll). */
  countConnect: boolean;
  /** A `?topics=` value to check against the socket-state budget, after the flood limit (400). */
  topicsQuery?: string | null;
  /** Choose among the offered subprotocols (400 for an abusive list); a token entry is used for auth. */
  chooseSubprotocol?: boolean;
  refuseAuthAs: AuthRefusal;
  /** Added to the 429 and every later HTTP refusal: the HTTP transports' CORS headers. */
  corsHeaders?: Record<string, string>;
}

export interface Admitted {
  ok: true;
  grant: ConnectionGrant;
  /** Set when `chooseSubprotocol` was asked for. */
  subprotocol?: SubprotocolChoice;
}

/** Refused with an answer to send as it is: an HTTP error, or an upgrade that closes at once. */
export interface AnsweredRefusal {
  ok: false;
  response: Response;
}

/** Refused by auth, for a transport that sends the close its own way (`refuseAuthAs: "close-code"`). */
export interface CloseRefusal {
  ok: false;
  close: { code: number; reason: string };
}

export function admitConnection(connection: ConnectionRequest, options: AdmitConnectionOptions & { refuseAuthAs: "close-code" }): Promise<Admitted | AnsweredRefusal | CloseRefusal>;
export function admitConnection(connection: ConnectionRequest, options: AdmitConnectionOptions): Promise<Admitted | AnsweredRefusal>;
export async function admitConnection(connection: ConnectionRequest, options: AdmitConnectionOptions): Promise<Admitted | AnsweredRefusal | CloseRefusal> {
  const { request, env, config, room } = connection;
  const cors = options.corsHeaders;
  const refused = (options.upgrade ? checkUpgrade(request) : null) ?? refuseForeignOrigin(request, config);
  if (refused) return answered(refused);
  if (options.countConnect && !(await connectAllowed(env, config, request))) return answered(tooManyConnectionsResponse(cors));
  const badTopics = refuseTopicsQuery(options.topicsQuery, cors);
  if (badTopics) return answered(badTopics);
  let subprotocol: SubprotocolChoice | undefined;
  if (options.chooseSubprotocol) {
    const choice = chooseSubprotocol(request.headers.get("Sec-WebSocket-Protocol"));
    if (!choice) return answered(tooManySubprotocolsResponse());
    subprotocol = choice;
  }
  const auth = await authenticateConnection(request, new URL(request.url), subprotocol?.token, config, room);
  if (auth.ok) return { ok: true, grant: auth.grant, subprotocol };
  switch (options.refuseAuthAs) {
    case "http-status":
      return answered(authFailureResponse(auth.code, auth.reason, cors));
    case "close-after-upgrade":
      log("reject", { room, code: auth.code, reason: auth.reason });
      return answered(refuseUpgrade(auth.code, auth.reason, subprotocol?.chosen));
    case "close-code":
      return { ok: false, close: { code: auth.code, reason: auth.reason } };
  }
}

function answered(response: Response): AnsweredRefusal {
  return { ok: false, response };
}
