/**
 * @module publish-key
 * The idempotency key of a publish id (publish-ids.ts): the one rule for who an id belongs to.
 * Runtime-free, so pure tests can check it.
 */

/** Who a publish id belongs to: a socket (by user, else its client's secret scope, else its connection) or the HTTP API. */
export type PublishIdScope = { kind: "api" } | { readonly id: string; readonly userId?: string; readonly publishScope?: string };

/**
 * The idempotency key of publish `id` from `scope`. A user's ids are shared by all of that
 * user's connections (a reconnecting client may resend). An anonymous client's ids belong to
 * the secret scope it sends on every connection (shared/publish-scope.ts), else to the one
 * connection; so two anonymous clients that both count from "c1-1" never collide. A JSON array
 * keeps the parts apart whatever characters a user id or publish id holds.
 */
export function publishKey(scope: PublishIdScope, id: string): string {
  if ("kind" in scope) return JSON.stringify(["api", id]);
  if (scope.userId) return JSON.stringify(["user", scope.userId, id]);
  if (scope.publishScope) return JSON.stringify(["scope", scope.publishScope, id]);
  return JSON.stringify(["conn", scope.id, id]);
}
