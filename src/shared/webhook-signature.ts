/**
 * @module webhook-signature
 * How a webhook request is signed (docs/protocol.md §11), the Stripe/Pusher way: HMAC-SHA256
 * with WEBHOOK_SECRET over `<timestamp>.<body>`, hex, in `X-Roomcast-Signature: v1=<hex>`,
 * with the unix-seconds timestamp in `X-Roomcast-Timestamp`. Signing the timestamp lets a
 * receiver refuse replays older than its tolerance. WebCrypto only, so the gateway and the
 * server SDK (Node, Workers, Bun, Deno) share this module.
 */

export const SIGNATURE_HEADER = "X-Roomcast-Signature";
export const TIMESTAMP_HEADER = "X-Roomcast-Timestamp";
/** The scheme prefix: a later scheme can be sent alongside without breaking old receivers. */
const SCHEME = "v1";
/** Default replay tolerance for verification. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The two headers for `body` sent at `timestampSeconds`. */
export async function signWebhook(secret: string, body: string, timestampSeconds: number): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(timestampSeconds));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `${SCHEME}=${await hmacHex(secret, `${timestamp}.${body}`)}` };
}

/**
 * True when `signature` (the header's value, possibly several comma-separated `scheme=hex`
 * entries) holds a valid v1 signature of `body` at `timestamp`, and the timestamp is within
 * `toleranceSeconds` of `nowSeconds`. Compared in constant time over equal-length digests.
 */
export async function verifyWebhookSignature(
  secret: string,
  body: string,
  timestamp: string | null,
  signature: string | null,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
): Promise<boolean> {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = await hmacHex(secret, `${timestamp}.${body}`);
  let valid = false;
  for (const entry of signature.split(",")) {
    const [scheme, hex] = entry.trim().split("=", 2);
    if (scheme === SCHEME && hex !== undefined && constantTimeEqual(hex, expected)) valid = true;
  }
  return valid;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
