import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { useGateway } from "../../helpers/use-gateway";
import { clientFrame, closeFrame, rawUpgrade } from "../../helpers/raw-socket";

const OPCODE_CLOSE = 0x8;
/** What waitForCloseFrame reports for a close frame without a payload. */
const NO_STATUS = 1005;

/**
 * Issue 10 item 6 in the transports: the sockets the Worker itself accepts (STOMP bridge, SockJS
 * websocket) answer a client's close frame by the same rules as the room's (close-reply.ts).
 */
const gateway = useGateway();

const endpoints = [
  ["STOMP", "/rooms/close-stomp", { "Sec-WebSocket-Protocol": "v12.stomp" }],
  ["SockJS websocket", "/sockjs/close-sockjs/000/closeme/websocket", {}],
] as const;

async function closeReply(path: string, headers: Record<string, string>, code: number, reason: string) {
  const socket = await rawUpgrade(gateway.port, path, headers);
  expect(socket.responseHead).toMatch(/^HTTP\/1\.1 101/);
  socket.send(closeFrame(code, reason));
  try {
    return await socket.waitForCloseFrame();
  } finally {
    socket.destroy();
  }
}

describe("close frames on the Worker's own sockets", () => {
  for (const [name, path, headers] of endpoints) {
    it(`${name}: a reason of 124 bytes is answered 1002 (Autobahn 7.3.6)`, async () => {
      const reply = await closeReply(path, headers, CloseCode.normal, "x".repeat(124));
      expect(reply.code).toBe(CloseCode.protocolError);
    });

    it(`${name}: a reason of exactly 123 bytes is echoed`, async () => {
      const reason = "é".repeat(61) + "x";
      expect(await closeReply(path, headers, CloseCode.goingAway, reason)).toEqual({ code: CloseCode.goingAway, reason });
    });

    it(`${name}: a close frame without a status is answered without one`, async () => {
      const socket = await rawUpgrade(gateway.port, path, headers);
      socket.send(clientFrame(OPCODE_CLOSE, Buffer.alloc(0)));
      const reply = await socket.waitForCloseFrame();
      socket.destroy();
      expect(reply).toEqual({ code: NO_STATUS, reason: "" });
    });

    it(`${name}: a code no endpoint may send is answered 1002`, async () => {
      const reply = await closeReply(path, headers, 1004, "");
      expect(reply.code).toBe(CloseCode.protocolError);
    });
  }
});
