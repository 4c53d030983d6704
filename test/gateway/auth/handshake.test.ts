import { describe, expect, it } from "vitest";
import { connect, settle } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { rawUpgrade } from "../../helpers/raw-socket";

const ALLOWED_ORIGIN = "https://app.example";

describe("Worker handshake", () => {
  const gateway = useGateway({ ALLOWED_ORIGINS: `${ALLOWED_ORIGIN},https://other.example` });

  it("answers liveness on /healthz", async () => {
    const response = await fetch(`${gateway.httpUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("answers a plain GET on a room with 426 and a JSON error", async () => {
    const response = await fetch(`${gateway.httpUrl}/rooms/lobby`);
    expect(response.status).toBe(426);
    expect(await response.json()).toMatchObject({ error: { code: "upgrade_required" } });
  });

  const badNames: Array<[string, string]> = [
    ["too long", "a".repeat(129)],
    ["with a space", "a%20b"],
    ["an encoded ../", "%2E%2E%2Fsecret"],
    ["an encoded slash", "a%2Fb"],
    ["an emoji", encodeURIComponent("🎮")],
    ["a percent sign", "a%25b"],
  ];
  for (const [label, name] of badNames) {
    it(`refuses a room name ${label} with 400 before upgrading`, async () => {
      const response = await fetch(`${gateway.httpUrl}/rooms/${name}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "invalid_room" } });
      const socket = await rawUpgrade(gateway.port, `/rooms/${name}`);
      expect(socket.responseHead).toMatch(/^HTTP\/1\.1 400/);
      socket.destroy();
    });
  }

  it("accepts a 128-character room name", async () => {
    const client = await connect(`${gateway.wsUrl}/rooms/${"r".repeat(128)}`);
    client.close();
  });

  it("refuses an unsupported Sec-WebSocket-Version with 426 naming version 13", async () => {
    const socket = await rawUpgrade(gateway.port, "/rooms/versions", { "Sec-WebSocket-Version": "8" });
    expect(socket.responseHead).toMatch(/^HTTP\/1\.1 (400|426)/);
    expect(socket.responseHead).toMatch(/sec-websocket-version: 13/i);
    socket.destroy();
  });

  it("refuses a foreign Origin with 403 and lets allowed and Origin-less clients in", async () => {
    const foreign = await rawUpgrade(gateway.port, "/rooms/origins", { Origin: "https://evil.example" });
    expect(foreign.responseHead).toMatch(/^HTTP\/1\.1 403/);
    foreign.destroy();
    const allowed = await connect(`${gateway.wsUrl}/rooms/origins`, { origin: ALLOWED_ORIGIN });
    const noOrigin = await connect(`${gateway.wsUrl}/rooms/origins`);
    noOrigin.ws.send("hi");
    expect((await allowed.nextMessage("relay to the allowed-origin client")).data).toBe("hi");
    allowed.close();
    noOrigin.close();
  });

  it("chooses roomcast.v1 when offered and never echoes a token entry", async () => {
    const client = await connect(`${gateway.wsUrl}/rooms/protocols`, { protocols: ["roomcast.token.abc.def.ghi", "roomcast.v1"] });
    expect(client.ws.protocol).toBe("roomcast.v1");
    const welcome = JSON.parse((await client.nextMessage("welcome frame")).data as string);
    expect(welcome).toMatchObject({ type: "welcome", room: "protocols", seq: expect.any(Number), epoch: expect.any(String) });
    expect(welcome.connectionId).toMatch(/^[0-9a-z]{16}$/);
    client.close();
  });

  it("speaks raw with no subprotocol when none is offered, or only a token", async () => {
    const plain = await rawUpgrade(gateway.port, "/rooms/protocols");
    const tokenOnly = await rawUpgrade(gateway.port, "/rooms/protocols", { "Sec-WebSocket-Protocol": "roomcast.token.abc" });
    const unknown = await rawUpgrade(gateway.port, "/rooms/protocols", { "Sec-WebSocket-Protocol": "chat, superchat" });
    for (const socket of [plain, tokenOnly, unknown]) {
      expect(socket.responseHead).toMatch(/^HTTP\/1\.1 101/);
      expect(socket.responseHead).not.toMatch(/sec-websocket-protocol/i);
      socket.destroy();
    }
  });

  it("answers unknown routes with a JSON 404", async () => {
    const response = await fetch(`${gateway.httpUrl}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("LOG_LEVEL=error", () => {
  const gateway = useGateway({ LOG_LEVEL: "error" }, { own: true });

  it("logs no connect or close lines, only errors", async () => {
    const client = await connect(`${gateway.wsUrl}/rooms/quiet`);
    client.ws.send("hello");
    client.close(1000);
    await settle(300);
    expect(gateway.output()).not.toContain('"event":"connect"');
    expect(gateway.output()).not.toContain('"event":"close"');
  });
});

