import { describe, expect, it } from "vitest";
import { checkUpgrade, chooseSubprotocol } from "../../src/admission/handshake";
import { MAX_OFFERED_SUBPROTOCOLS } from "../../src/shared/limits";
import { isOriginAllowed } from "../../src/admission/origin";

function upgrade(headers: Record<string, string>): Request {
  return new Request("http://gateway/rooms/x", {
    headers: { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", ...headers },
  });
}

// Local workerd regenerates Sec-WebSocket-Key before the Worker sees it, so the key rule is
// proven here on the Worker's own check rather than end to end.
describe("checkUpgrade", () => {
  it("accepts a well-formed upgrade", () => {
    expect(checkUpgrade(upgrade({}))).toBeNull();
  });

  for (const key of ["", "not-base64!", "dGhlIHNhbXBsZSBub25jZQ", "AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "dGhlIHNhbXBsZSBub25jZR=="]) {
    it(`answers 400 for the key "${key}"`, async () => {
      const response = checkUpgrade(upgrade({ "Sec-WebSocket-Key": key }));
      expect(response?.status).toBe(400);
      expect(await response?.json()).toMatchObject({ error: { code: "bad_handshake" } });
    });
  }

  it("answers 426 with Sec-WebSocket-Version: 13 for another version", () => {
    const response = checkUpgrade(upgrade({ "Sec-WebSocket-Version": "8" }));
    expect(response?.status).toBe(426);
    expect(response?.headers.get("Sec-WebSocket-Version")).toBe("13");
  });

  it("answers 426 when Upgrade or Connection is missing", () => {
    expect(checkUpgrade(upgrade({ Upgrade: "h2c" }))?.status).toBe(426);
    expect(checkUpgrade(upgrade({ Connection: "keep-alive" }))?.status).toBe(426);
  });
});

describe("chooseSubprotocol", () => {
  it("picks roomcast.v1 and takes a token entry without choosing it", () => {
    expect(chooseSubprotocol("roomcast.token.a.b.c, roomcast.v1")).toEqual({ mode: "v1", chosen: "roomcast.v1", token: "a.b.c" });
  });

  it("falls back to raw with nothing chosen", () => {
    expect(chooseSubprotocol(null)).toEqual({ mode: "raw", chosen: undefined, token: undefined });
    expect(chooseSubprotocol("chat")).toEqual({ mode: "raw", chosen: undefined, token: undefined });
  });

  it("refuses an abusive list", () => {
    const list = Array.from({ length: MAX_OFFERED_SUBPROTOCOLS + 1 }, (_, i) => `p${i}`).join(",");
    expect(chooseSubprotocol(list)).toBeNull();
  });
});

describe("isOriginAllowed", () => {
  it("lets Origin-less requests and listed origins through", () => {
    const allowed = new Set(["https://a.example"]);
    expect(isOriginAllowed(null, allowed)).toBe(true);
    expect(isOriginAllowed("https://a.example", allowed)).toBe(true);
    expect(isOriginAllowed("https://b.example", allowed)).toBe(false);
    expect(isOriginAllowed("https://b.example", "*")).toBe(true);
  });
});
