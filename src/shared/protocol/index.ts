/**
 * @module protocol
 * The `roomcast.v1` wire format (docs/protocol.md §3), the front door: frame types, the
 * subprotocol names, decoders (client frames for the room, server frames for the SDK and the
 * adapters) and encoders (server frames for the room and the adapters, client frames for the SDK).
 * Runtime-free: shared by the room, the Worker's adapters and the client SDK. Decoders never throw.
 */
export * from "./types";
export * from "./subprotocols";
export { decodeClientFrame } from "./decode-client";
export { decodeServerFrame } from "./decode-server";
export * from "./encode";
export * from "./encode-client";
// Error frames carry these codes; the table lives with the HTTP ones (shared/error-codes.ts).
export { ErrorCode, type ErrorCodeValue, type FrameErrorCode } from "../error-codes";
