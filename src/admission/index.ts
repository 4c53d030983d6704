/**
 * @module admission
 * The front door of admission: whether a connection or an API call gets in, decided before any
 * Durable Object is touched (docs/protocol.md §2, §4, §5, §7). The router (src/worker) and every
 * transport (src/transports) import from here, never from the files behind it. Admission sits
 * below both and imports neither.
 *
 * - `admitConnection`: WebSocket and STOMP connects, SSE streams, SockJS websockets and sessions.
 * - `admitApi`: every HTTP API route (API key or admin token, room scope).
 */
export { admitConnection, type AdmitConnectionOptions, type Admitted, type AnsweredRefusal, type CloseRefusal, type ConnectionRequest } from "./admit-connection";
export { admitApi, callerMayUseRoom, type ApiCaller } from "./api-auth";
export { badBody, parseJsonBody, readBodyText, type BodyResult } from "./body-reading";
export type { ConnectionGrant } from "./connection-auth";
export { errorResponse } from "../shared/http-error";
export { refuseForeignOrigin } from "./origin";
export { ROOM_OUT_OF_SCOPE, authFailureResponse, invalidRoomResponse, roomOutOfScopeResponse } from "./refusals";
export { RoomOutOfScopeError, roomInScope, roomStubFor } from "./room-scope";
export { JWT_ALGORITHM, MAX_SUB_LENGTH } from "../shared/token-claims";
export { refuseTopicsQuery } from "./topics-query";
