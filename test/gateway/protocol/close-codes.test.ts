import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { connect, expectClose, settle, waitForFrame } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { closeFrame, rawUpgrade } from "../../helpers/raw-socket";

const RATE_PER_SECOND = 5;
const MAX_CONNECTIONS = 3;

describe("room close codes", () => {
  const gateway = useGateway({ RATE_LIMIT_MESSAGES_PER_SECOND: RATE_PER_SECOND, MAX_CONNECTIONS_PER_ROOM: MAX_CONNECTIONS, FAULT_INJECTION: "on" });

  it("answers a client's 1000 with 1000 and the same reason", async () => {
    const client = await connect(`${gateway.wsUrl}/rooms/close-normal`);
    client.close(1000, "bye");
    expect(await expectClose(client, "after sending 1000")).toEqual({ code: 1000, reason: "bye" });
  });

  it("echoes an application code such as 4321", async () => {
    const client = await connect(`${gateway.wsUrl}/rooms/close-app`);
    client.close(4321, "app says bye");
    expect(await expectClose(client, "after sending 4321")).toEqual({ code: 4321, reason: "app says bye" });
  });

  it("answers a close frame without a status code with a close frame", async () => {
    const client = await connect(`${gateway.wsUrl}/rooms/close-empty`);
    client.close();
    expect((await expectClose(client, "after an empty close")).code).toBe(1005);
  });

  for (const code of [1016, 2999, 999, 1004, 1005, 1006, 1015, 5000]) {
    it(`answers a hand-made close frame with code ${code} with 1002`, async () => {
      const socket = await rawUpgrade(gateway.port, "/rooms/close-invalid");
      expect(socket.responseHead).toMatch(/^HTTP\/1\.1 101/);
      socket.send(closeFrame(code, "x"));
      const reply = await socket.waitForCloseFrame();
      socket.destroy();
      expect(reply.code).toBe(CloseCode.protocolError);
    });
  }

  it("closes with 1009 a message of 66,000 bytes of two-byte characters and keeps the room serving", async () => {
    const sender = await connect(`${gateway.wsUrl}/rooms/too-big`);
    const peer = await connect(`${gateway.wsUrl}/rooms/too-big`);
    sender.ws.send("é".repeat(33_000));
    const close = await expectClose(sender, "after an oversized frame");
    expect(close.code).toBe(CloseCode.messageTooBig);
    expect(peer.received).toHaveLength(0);
    const other = await connect(`${gateway.wsUrl}/rooms/too-big`);
    other.ws.send("still here");
    expect((await peer.nextMessage("relay after the 1009")).data).toBe("still here");
    peer.close();
    other.close();
  });

  it("drops frames over the rate bucket, then closes with 1008", async () => {
    const sender = await connect(`${gateway.wsUrl}/rooms/rate`, { protocols: "roomcast.v1" });
    const peer = await connect(`${gateway.wsUrl}/rooms/rate`);
    await sender.nextMessage("welcome");
    const burst = RATE_PER_SECOND * 2;
    for (let i = 0; i < burst + 1; i++) sender.ws.send(JSON.stringify({ type: "publish", data: `m${i}` }));
    const warning = await waitForFrame(sender, (f) => f.type === "error", "rate_limited error frame");
    expect(warning).toMatchObject({ type: "error", code: "rate_limited" });
    await peer.waitForCount(burst, "the burst relayed");
    for (let i = 0; i < RATE_PER_SECOND * 3; i++) sender.ws.send(JSON.stringify({ type: "publish", data: "flood" }));
    expect((await expectClose(sender, "after flooding")).code).toBe(CloseCode.policyViolation);
    expect(peer.texts().slice(0, burst)).toEqual(Array.from({ length: burst }, (_, i) => `m${i}`));
    expect(peer.ws.readyState).toBe(peer.ws.OPEN);
    peer.close();
  });

  it("closes only the peer whose send fails, with 1011, and still delivers to the others", async () => {
    // The failing peer is a hand-made client so the test sees the close frame itself: a `ws`
    // client reports "close" only once TCP ends, which local workerd delays ~10 s for a socket
    // closed from another socket's handler before it ever sent a frame.
    const failing = await rawUpgrade(gateway.port, "/rooms/send-fault?fault=send");
    const healthy = await connect(`${gateway.wsUrl}/rooms/send-fault`);
    const sender = await connect(`${gateway.wsUrl}/rooms/send-fault`);
    sender.ws.send("one");
    expect((await healthy.nextMessage("message despite the failing peer")).data).toBe("one");
    expect((await failing.waitForCloseFrame()).code).toBe(CloseCode.internalError);
    failing.destroy();
    sender.ws.send("two");
    expect((await healthy.nextMessage("second message")).data).toBe("two");
    expect(sender.ws.readyState).toBe(sender.ws.OPEN);
    healthy.close();
    sender.close();
  });

  it("closes the connection past MAX_CONNECTIONS_PER_ROOM with 1013 after the upgrade", async () => {
    const members = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => connect(`${gateway.wsUrl}/rooms/full`)));
    const extra = await connect(`${gateway.wsUrl}/rooms/full`);
    expect((await expectClose(extra, "the connection over capacity")).code).toBe(CloseCode.tryAgainLater);
    await settle(100);
    for (const member of members) expect(member.ws.readyState).toBe(member.ws.OPEN);
    members[0]!.close(1000);
    await expectClose(members[0]!, "a member leaving");
    const again = await connect(`${gateway.wsUrl}/rooms/full`);
    again.ws.send("hello");
    expect((await members[1]!.nextMessage("message from the newcomer")).data).toBe("hello");
    for (const client of [...members.slice(1), again]) client.close();
  });
});
