/**
 * @module publish-key
 * The idempotency key of a publish id (publish-ids.ts): the one rule for who an id belongs to.
 * Runtime-free, so pure tests can check it.
 */

/** Who a publish id belongs to: a socket (by user, else by connection) or the HTTP API. */
export type PublishIdScope = { kind: "api" } | { readonly id: string; readonly userId?: string };

/**
 * The idempotency key of publish `id` from `scope`. A user's ids are shared by all of that
 * user's connections (a reconnecting client may resend); an anonymous connection's ids are its
 * own, so two anonymous clients that both count from "c1-1" never collide. A JSON array keeps
 * the parts apart whatever characters a user id or publish id holds.
 */
export function publishKey(scope: PublishIdScope, id: string): string {
  if ("kind" in scope) return JSON.stringify(["api", id]);
  return scope.userId ? JSON.stringify(["user", scope.userId, id]) : JSON.stringify(["conn", scope.id, id]);
}
