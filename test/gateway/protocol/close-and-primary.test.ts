import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { connectV1 } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { closeFrame, rawUpgrade } from "../../helpers/raw-socket";

/** Issue 10 items 6 and 7 (first half): close frames with an over-long reason, and a sharded room's primary failing. */
describe("protocol errors and an unavailable primary", () => {
  const gateway = useGateway({ FAULT_INJECTION: "on", ROOM_POLICIES: JSON.stringify([{ match: "wide-*", shards: 2 }]) });

  for (const [mode, headers] of [["raw", {}], ["v1", { "Sec-WebSocket-Protocol": "roomcast.v1" }]] as const) {
    it(`answers a close frame whose reason is 124 bytes with 1002 (${mode}, Autobahn 7.3.6)`, async () => {
      const socket = await rawUpgrade(gateway.port, "/rooms/close-long-reason", headers);
      expect(socket.responseHead).toMatch(/^HTTP\/1\.1 101/);
      socket.send(closeFrame(CloseCode.normal, "x".repeat(124)));
      const reply = await socket.waitForCloseFrame();
      socket.destroy();
      expect(reply.code).toBe(CloseCode.protocolError);
    });
  }

  it("still echoes a close frame whose reason is exactly 123 bytes", async () => {
    const socket = await rawUpgrade(gateway.port, "/rooms/close-max-reason");
    const reason = "é".repeat(61) + "x";
    socket.send(closeFrame(CloseCode.normal, reason));
    const reply = await socket.waitForCloseFrame();
    socket.destroy();
    expect(reply).toEqual({ code: CloseCode.normal, reason });
  });

  it("upgrades and closes with 1013 when a sharded room's primary fails during the upgrade", async () => {
    const socket = await rawUpgrade(gateway.port, "/rooms/wide-fault?fault=primary", { "Sec-WebSocket-Protocol": "roomcast.v1" });
    expect(socket.responseHead).toMatch(/^HTTP\/1\.1 101/);
    const reply = await socket.waitForCloseFrame();
    socket.destroy();
    expect(reply.code).toBe(CloseCode.tryAgainLater);
    // The room itself is fine: the next connection gets its welcome.
    const { client, welcome } = await connectV1(`${gateway.wsUrl}/rooms/wide-fault`);
    expect(welcome.type).toBe("welcome");
    client.close();
  });
});
