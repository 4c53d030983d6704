/**
 * @module bearer-token
 * `Authorization: Bearer <credential>` (RFC 6750 §2.1), read the same way by API auth (API key or
 * admin token) and connection auth (a connection JWT).
 */

export function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("Authorization");
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}
