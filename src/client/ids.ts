/**
 * @module ids
 * Idempotency keys for publishes: globally unique, so the room can recognise a resent publish
 * (same id) after a lost ack and answer it with the original seq instead of publishing twice.
 */

const UUID_BYTES = 16;
/** RFC 9562 §5.4: version 4 in the high nibble of byte 6, variant 0b10 in byte 8. */
const VERSION_BYTE = 6;
const VARIANT_BYTE = 8;
/** Where the dashes go in the 32 hex digits: 8-4-4-4-12. */
const UUID_GROUP_ENDS = [8, 12, 16, 20, 32];

interface CryptoLike {
  randomUUID?: () => string;
  getRandomValues<T extends Uint8Array>(array: T): T;
}

/**
 * A random UUID v4. `crypto.randomUUID` exists only in secure contexts in browsers (a page on
 * plain http from a LAN address has no randomUUID), so fall back to getRandomValues there.
 */
export function newMessageId(): string {
  const cryptoApi = (globalThis as { crypto?: CryptoLike }).crypto;
  if (!cryptoApi) throw new Error("roomcast/client needs the Web Crypto API (globalThis.crypto)");
  if (typeof cryptoApi.randomUUID === "function") return cryptoApi.randomUUID();
  const bytes = cryptoApi.getRandomValues(new Uint8Array(UUID_BYTES));
  bytes[VERSION_BYTE] = (bytes[VERSION_BYTE]! & 0x0f) | 0x40;
  bytes[VARIANT_BYTE] = (bytes[VARIANT_BYTE]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return UUID_GROUP_ENDS.map((end, i) => hex.slice(UUID_GROUP_ENDS[i - 1] ?? 0, end)).join("-");
}
