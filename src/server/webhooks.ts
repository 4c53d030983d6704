/**
 * @module webhooks
 * Verifying the gateway's occupancy webhooks (docs/protocol.md §11) in the receiving backend: the
 * `X-Roomcast-Signature` HMAC over `<timestamp>.<body>` with WEBHOOK_SECRET, checked by the same
 * module the gateway signs with (src/shared/webhook-signature.ts), a timestamp within the
 * tolerance (replays refused), then the `{"events":[...]}` body. Takes a fetch `Request`
 * (Workers, Bun, Deno, Hono, Next.js) or the raw body and headers (Express, Fastify, node:http).
 */
import type { OccupancyEvent, WebhookBody } from "../shared/occupancy-events";
import { DEFAULT_WEBHOOK_TOLERANCE_SECONDS, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from "../shared/webhook-signature";
import { WebhookVerificationError } from "./errors";

export type { OccupancyEvent, OccupancyEventType, WebhookBody } from "../shared/occupancy-events";

/** A request as Node frameworks hand it over: the body exactly as received, and the headers. */
export interface RawWebhookRequest {
  /** The raw body text, before any JSON parsing (a re-serialized body no longer matches the signature). */
  body: string;
  headers: Headers | Record<string, string | string[] | undefined>;
}

export interface VerifyWebhookOptions {
  /** Refuse a timestamp further than this from now (default 300). */
  toleranceSeconds?: number;
  /** "Now" in ms since the epoch (tests, or a clock of your own). */
  nowMs?: number;
}

const TIMESTAMP_PATTERN = /^\d{1,12}$/;

function header(headers: RawWebhookRequest["headers"], name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join(",") : value;
  }
  return null;
}

function isEvent(value: unknown): value is OccupancyEvent {
  const event = value as Partial<OccupancyEvent> | null;
  return typeof event === "object" && event !== null && typeof event.id === "string" && typeof event.type === "string" && typeof event.room === "string";
}

/**
 * The events of a webhook request whose signature is valid for `secret`; throws a
 * `WebhookVerificationError` (answer it with 400 or 401) otherwise. Reads a `Request`'s body.
 */
export async function verifyWebhook(request: Request | RawWebhookRequest, secret: string, options: VerifyWebhookOptions = {}): Promise<WebhookBody> {
  if (!secret) throw new TypeError("verifyWebhook: pass the gateway's WEBHOOK_SECRET");
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const isRequest = typeof Request !== "undefined" && request instanceof Request;
  const headers = isRequest ? request.headers : (request as RawWebhookRequest).headers;
  const timestamp = header(headers, TIMESTAMP_HEADER);
  const signature = header(headers, SIGNATURE_HEADER);
  if (!signature || !timestamp || !TIMESTAMP_PATTERN.test(timestamp)) {
    throw new WebhookVerificationError("missing_signature", `needs ${TIMESTAMP_HEADER} (unix seconds) and ${SIGNATURE_HEADER}`);
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) {
    throw new WebhookVerificationError("stale_timestamp", `${TIMESTAMP_HEADER} is more than ${tolerance} s from now`);
  }
  const body = isRequest ? await request.text() : (request as RawWebhookRequest).body;
  if (!(await verifyWebhookSignature(secret, body, timestamp, signature, nowSeconds, tolerance))) {
    throw new WebhookVerificationError("bad_signature", `${SIGNATURE_HEADER} does not match the body for this secret`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new WebhookVerificationError("malformed_body", "the signed body is not JSON");
  }
  const events = (parsed as { events?: unknown } | null)?.events;
  if (!Array.isArray(events) || !events.every(isEvent)) throw new WebhookVerificationError("malformed_body", 'the signed body is not {"events":[...]}');
  return { events };
}
