/**
 * @module token
 * `npm run token -- --sub alice --rooms 'lobby-*' --can publish,subscribe --ttl 1h`
 * prints an HS256 connection token for local use, signed with JWT_SECRET from the environment
 * or .dev.vars (the same secret `npm start` reads).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { sign } from "hono/jwt";

const TTL_UNITS_SECONDS = { s: 1, m: 60, h: 3_600, d: 86_400 };

function secretFromDevVars() {
  try {
    const line = readFileSync(".dev.vars", "utf8").split("\n").find((l) => l.startsWith("JWT_SECRET="));
    return line?.slice("JWT_SECRET=".length).trim().replace(/^"(.*)"$/, "$1");
  } catch {
    return undefined;
  }
}

function ttlSeconds(text) {
  const match = /^(\d+)([smhd])$/.exec(text);
  if (!match) throw new Error(`--ttl must look like 30s, 15m, 1h or 7d, got "${text}"`);
  return Number(match[1]) * TTL_UNITS_SECONDS[match[2]];
}

const { values } = parseArgs({
  options: {
    sub: { type: "string" },
    rooms: { type: "string", default: "*" },
    can: { type: "string" },
    ttl: { type: "string", default: "1h" },
    secret: { type: "string" },
  },
});
const secret = values.secret ?? process.env.JWT_SECRET ?? secretFromDevVars();
if (!values.sub || !secret) {
  console.error("usage: npm run token -- --sub USER [--rooms 'lobby-*,chat'] [--can publish,subscribe,presence,direct,admin] [--ttl 1h]\n(JWT_SECRET from the environment, .dev.vars or --secret)");
  process.exit(2);
}
const now = Math.floor(Date.now() / 1000);
const payload = { sub: values.sub, rooms: values.rooms.split(",").map((r) => r.trim()).filter(Boolean), iat: now, exp: now + ttlSeconds(values.ttl) };
if (values.can) payload.can = values.can.split(",").map((c) => c.trim()).filter(Boolean);
console.log(await sign(payload, secret, "HS256"));
