import { describe, expect, it } from "vitest";
import { IdentityHeader, readIdentity, withIdentity } from "../../src/identity";

/** The URL of a client's upgrade. Its headers cannot reach the room: `withIdentity` takes only the URL (forged ones: test/gateway/auth/connection-auth.test.ts). */
const CLIENT_URL = "http://gateway/rooms/lobby?topics=a&echo=1";

describe("withIdentity", () => {
  it("passes the room the client's URL, Upgrade and the Worker's identity headers only", () => {
    const forwarded = withIdentity(CLIENT_URL, { room: "lobby", mode: "v1", subprotocol: "roomcast.v1", userId: "alice", capabilities: ["subscribe"] });
    expect(forwarded.url).toBe(CLIENT_URL);
    expect(forwarded.method).toBe("GET");
    expect(Object.fromEntries(forwarded.headers)).toEqual({
      upgrade: "websocket",
      [IdentityHeader.room]: "lobby",
      [IdentityHeader.mode]: "v1",
      [IdentityHeader.subprotocol]: "roomcast.v1",
      [IdentityHeader.userId]: "alice",
      [IdentityHeader.capabilities]: "subscribe",
    });
  });

  it("sets no identity header the grant does not carry", () => {
    const forwarded = withIdentity(CLIENT_URL, { room: "lobby", mode: "raw" });
    expect(readIdentity(forwarded.headers)).toEqual(expect.objectContaining({ room: "lobby", mode: "raw", userId: undefined, capabilities: undefined, tokenExpiresAtMs: undefined }));
  });
});
