/**
 * @module publish-scope
 * An anonymous client's publish-id scope (docs/protocol.md §3 publish ids): a random secret the client
 * makes once and sends as `?scope=` on every connection, so a publish it resends on a new
 * connection after a lost ack is still recognised, while no other client can reach its ids
 * (the scope is never shown to anyone). The SDK sends one; without it ids are per connection.
 * Runtime-free: shared by the room and the SDK.
 */

export const PUBLISH_SCOPE_PARAM = "scope";
/** 16–64 of [A-Za-z0-9-]: a UUID fits; short values would be guessable. */
export const PUBLISH_SCOPE_PATTERN = /^[A-Za-z0-9-]{16,64}$/;
export const MAX_PUBLISH_SCOPE_CHARS = 64;

/** The scope from a connection URL's query, or undefined when absent or not well formed. */
export function readPublishScope(value: string | null | undefined): string | undefined {
  return value && PUBLISH_SCOPE_PATTERN.test(value) ? value : undefined;
}
