/**
 * @module connection-id
 * Short random connection ids: 16 characters of [0-9a-z], ~82 bits, safe as a socket tag.
 */
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
export const CONNECTION_ID_LENGTH = 16;
export const CONNECTION_ID_PATTERN = /^[0-9a-z]{16}$/;

export function newConnectionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(CONNECTION_ID_LENGTH));
  let id = "";
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}
