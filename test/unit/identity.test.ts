import { describe, expect, it } from "vitest";
import { IdentityHeader, readIdentity, withIdentity } from "../../src/identity";

/** A client's upgrade carrying forged identity headers and the usual browser headers. */
const clientUpgrade = () =>
  new Request("http://gateway/rooms/lobby?topics=a&echo=1", {
    headers: {
      Upgrade: "websocket",
      Connection: "Upgrade",
      Origin: "https://app.example",
      Cookie: "session=secret",
      "Sec-WebSocket-Protocol": "roomcast.v1",
      [IdentityHeader.userId]: "mallory",
      [IdentityHeader.capabilities]: "publish,direct",
      [IdentityHeader.tokenExpiresAtMs]: "99999999999999",
    },
  });

describe("withIdentity", () => {
  it("passes the room the client's URL, Upgrade and the Worker's identity headers only", () => {
    const forwarded = withIdentity(clientUpgrade(), { room: "lobby", mode: "v1", subprotocol: "roomcast.v1", userId: "alice", capabilities: ["subscribe"] });
    expect(forwarded.url).toBe("http://gateway/rooms/lobby?topics=a&echo=1");
    expect(Object.fromEntries(forwarded.headers)).toEqual({
      upgrade: "websocket",
      [IdentityHeader.room]: "lobby",
      [IdentityHeader.mode]: "v1",
      [IdentityHeader.subprotocol]: "roomcast.v1",
      [IdentityHeader.userId]: "alice",
      [IdentityHeader.capabilities]: "subscribe",
    });
  });

  it("drops forged identity headers the grant does not set", () => {
    const forwarded = withIdentity(clientUpgrade(), { room: "lobby", mode: "raw" });
    expect(readIdentity(forwarded.headers)).toEqual(expect.objectContaining({ room: "lobby", mode: "raw", userId: undefined, capabilities: undefined, tokenExpiresAtMs: undefined }));
  });
});
