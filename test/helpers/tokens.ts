/**
 * @module tokens
 * Minting test tokens the way a backend would (hono/jwt, HS256), plus broken ones.
 */
import { sign } from "hono/jwt";

export const JWT_SECRET = "test-jwt-secret-4b1d9e";
export const API_KEY = "test-api-key-c0ffee-77";

export interface TokenOptions {
  sub?: string;
  rooms?: string[];
  can?: string[];
  ttlSeconds?: number;
  exp?: number | null;
  secret?: string;
  extra?: Record<string, unknown>;
}

export async function mintToken(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { sub: options.sub ?? "alice", rooms: options.rooms ?? ["*"], iat: now, ...options.extra };
  if (options.exp !== null) payload.exp = options.exp ?? now + (options.ttlSeconds ?? 3600);
  if (options.can) payload.can = options.can;
  return sign(payload as Parameters<typeof sign>[0], options.secret ?? JWT_SECRET, "HS256");
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned token with `alg: none` (RFC 7519 §6): must never be accepted. */
export function algNoneToken(sub = "alice"): string {
  return `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ sub, rooms: ["*"], exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
}

/** A valid token whose payload was changed after signing. */
export async function tamperedToken(): Promise<string> {
  const [header, , signature] = (await mintToken({ sub: "alice" })).split(".");
  return `${header}.${base64url({ sub: "admin", rooms: ["*"], can: ["admin"], exp: Math.floor(Date.now() / 1000) + 3600 })}.${signature}`;
}

export const tokenModeVars = { AUTH_MODE: "token", JWT_SECRET, API_KEY };
