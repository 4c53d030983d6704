/**
 * @module capabilities
 * What a connection token may allow (docs/protocol.md §5 claim `can`) and room-name patterns (`rooms`).
 * Runtime-free: shared by the Worker, the room and the SDK.
 */

/** Connection capabilities; a token without `can` has all of them. */
export const CONNECTION_CAPABILITIES = ["publish", "subscribe", "presence", "direct"] as const;
export type ConnectionCapability = (typeof CONNECTION_CAPABILITIES)[number];

/** The HTTP API capability a JWT may carry instead of the API key. */
export const ADMIN_CAPABILITY = "admin";

export type Capability = ConnectionCapability | typeof ADMIN_CAPABILITY;

export function isCapability(value: unknown): value is Capability {
  return value === ADMIN_CAPABILITY || (CONNECTION_CAPABILITIES as readonly unknown[]).includes(value);
}

/** A room pattern matches one room name, or every name with its prefix when it ends in `*`. */
export function roomMatches(pattern: string, room: string): boolean {
  return pattern.endsWith("*") ? room.startsWith(pattern.slice(0, -1)) : pattern === room;
}

/** A token's `rooms` patterns cover a room when one of them matches it. */
export function patternsCover(patterns: readonly string[], room: string): boolean {
  return patterns.some((pattern) => roomMatches(pattern, room));
}

/** What a connection may do from a token's `can`: the HTTP API's `admin` is no connection right. */
export function connectionCapabilitiesOf(can: readonly Capability[]): ConnectionCapability[] {
  return can.filter((capability): capability is ConnectionCapability => capability !== ADMIN_CAPABILITY);
}
