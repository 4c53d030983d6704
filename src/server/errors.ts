/**
 * @module errors
 * The server SDK's typed errors. `RoomcastError` carries what the gateway said: the HTTP status
 * and the `code` of its `{"error":{"code","message"}}` body (src/shared/error-codes.ts), or
 * status 0 with `network_error` when no answer came. `WebhookVerificationError` says why a
 * webhook request was refused, so a receiver can log it and answer 400/401.
 */
import type { HttpErrorCode } from "../shared/error-codes";

/** The API's error codes, plus the SDK's own (`network_error`, `http_error`); open for newer gateways. */
export type RoomcastErrorCode = HttpErrorCode | "network_error" | "http_error" | (string & {});

export class RoomcastError extends Error {
  override readonly name = "RoomcastError";
  /** The HTTP status; 0 when the request got no answer (network error or timeout). */
  readonly status: number;
  readonly code: RoomcastErrorCode;
  /** How many requests were made before giving up (retries included). */
  readonly attempts: number;

  constructor(status: number, code: RoomcastErrorCode, message: string, options: { attempts?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.attempts = options.attempts ?? 1;
  }
}

/** Why a webhook request did not verify. */
export type WebhookFailure =
  /** No `X-Roomcast-Timestamp` or `X-Roomcast-Signature` header, or a malformed timestamp. */
  | "missing_signature"
  /** The timestamp is further from now than the tolerance: a replay, or a skewed clock. */
  | "stale_timestamp"
  /** No v1 signature matches this body with this secret. */
  | "bad_signature"
  /** Signed correctly, but not a `{"events":[...]}` JSON body. */
  | "malformed_body";

export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
  readonly reason: WebhookFailure;

  constructor(reason: WebhookFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}
