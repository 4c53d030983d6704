/**
 * @module tokens.test
 * Tokens and tickets from `roomcast/server` carry exactly the claims docs/protocol.md §5 names and
 * pass the gateway's own verification (src/admission/token-claims.ts, the code the Worker runs)
 * as the right kind: a token is not a ticket, nor a ticket a token. Bad claims fail before signing.
 */
import { decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { verifyToken } from "../../../src/shared/token-claims";
import { mintTicket, mintToken } from "../../../src/server";

const SECRET = "unit-jwt-secret";
const NOW_MS = Date.now();

describe("mintToken / mintTicket", () => {
  it("a token: HS256, sub, rooms, can, iat, exp = iat + ttlSeconds; the gateway accepts it as a token only", async () => {
    const token = await mintToken(SECRET, { sub: "alice", rooms: ["lobby-*"], can: ["subscribe"], ttlSeconds: 120 }, NOW_MS);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT" });
    const claims = decodeJwt(token);
    expect(claims).toEqual({ sub: "alice", rooms: ["lobby-*"], can: ["subscribe"], iat: Math.floor(NOW_MS / 1000), exp: Math.floor(NOW_MS / 1000) + 120 });
    expect(await verifyToken(token, SECRET, "token")).toEqual({ ok: true, claims: { sub: "alice", rooms: ["lobby-*"], can: ["subscribe"], expiresAtMs: claims.exp! * 1000 } });
    expect(await verifyToken(token, SECRET, "ticket")).toEqual({ ok: false, reason: "not a ticket" });
    expect(await verifyToken(token, "other-secret", "token")).toEqual({ ok: false, reason: "bad token signature" });
  });

  it("a token without can has every connection capability (the claim is left out)", async () => {
    const token = await mintToken(SECRET, { sub: "bob", rooms: ["*"] });
    expect(decodeJwt(token).can).toBeUndefined();
    expect(await verifyToken(token, SECRET, "token")).toMatchObject({ ok: true, claims: { can: ["publish", "subscribe", "presence", "direct"] } });
  });

  it("a ticket: the ticket format of the Worker (tkt, jti, one room, sexp); accepted as a ticket only", async () => {
    const { ticket, expiresAt } = await mintTicket(SECRET, "lobby-1", { sub: "carol", ttlSeconds: 60, sessionSeconds: 600 }, NOW_MS);
    const claims = decodeJwt(ticket);
    const iat = Math.floor(NOW_MS / 1000);
    expect(claims).toEqual({ tkt: 1, jti: expect.stringMatching(/^[0-9a-f-]{36}$/), sub: "carol", rooms: ["lobby-1"], can: ["publish", "subscribe", "presence", "direct"], iat, exp: iat + 60, sexp: iat + 600 });
    expect(expiresAt).toBe(new Date((iat + 60) * 1000).toISOString());
    expect(await verifyToken(ticket, SECRET, "ticket")).toMatchObject({ ok: true, claims: { sub: "carol", ticketId: claims.jti, expiresAtMs: (iat + 600) * 1000 } });
    expect(await verifyToken(ticket, SECRET, "token")).toEqual({ ok: false, reason: "tickets go in ?ticket=" });
  });

  it("refuses bad claims before signing", async () => {
    await expect(mintToken(SECRET, { sub: "", rooms: ["*"] })).rejects.toThrow(TypeError);
    await expect(mintToken(SECRET, { sub: "a", rooms: "lobby" as unknown as string[] })).rejects.toThrow(TypeError);
    await expect(mintToken(SECRET, { sub: "a", rooms: ["*"], can: ["root" as "admin"] })).rejects.toThrow(TypeError);
    await expect(mintToken(SECRET, { sub: "a", rooms: ["*"], ttlSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(mintToken("", { sub: "a", rooms: ["*"] })).rejects.toThrow(/JWT_SECRET/);
    await expect(mintTicket(SECRET, "lobby", { can: ["admin" as "publish"] })).rejects.toThrow(TypeError);
    await expect(mintTicket(SECRET, "lobby", { ttlSeconds: 301 })).rejects.toThrow(RangeError);
    await expect(mintTicket(SECRET, "no/such room")).rejects.toThrow(TypeError);
  });
});
