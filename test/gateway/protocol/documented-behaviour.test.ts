/**
 * @module documented-behaviour.test
 * Behaviour the README and docs/protocol.md state that no other suite pins down: what a raw
 * `?topics=` client receives on connect (§3 "Latest value on connect"), and the runtime
 * deviations on close frames (§1) that the docs list. If the runtime or the room changes, this
 * fails and the docs must change with it.
 */
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { connect, settle } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { publishHttp, readHistory } from "../../helpers/http-api";
import { clientFrame, rawUpgrade } from "../../helpers/raw-socket";

const OPCODE_CLOSE = 0x8;
/** Time for anything else to arrive before asserting that nothing did. */
const QUIET_MS = 300;

describe("documented behaviour", () => {
  const gateway = useGateway();

  it("a raw ?topics= client first gets each matching topic's latest value, unmarked; with ?since= the replay instead", async () => {
    const room = "raw-latest";
    await publishHttp(gateway.httpUrl, room, { px: 1 }, "AAPL");
    await publishHttp(gateway.httpUrl, room, { px: 2 }, "AAPL");
    await publishHttp(gateway.httpUrl, room, 1.09, "fx.eurusd");
    await publishHttp(gateway.httpUrl, room, "untopiced");

    const fresh = await connect(`${gateway.wsUrl}/rooms/${room}?topics=AAPL`);
    expect((await fresh.nextMessage("AAPL's latest value")).data).toBe('{"px":2}');
    const live = await publishHttp(gateway.httpUrl, room, { px: 3 }, "AAPL");
    expect((await fresh.nextMessage(`live seq ${live}`)).data).toBe('{"px":3}');
    expect(fresh.texts()).toEqual(['{"px":2}', '{"px":3}']);
    fresh.close();

    const history = await readHistory(gateway.httpUrl, room);
    const resumed = await connect(`${gateway.wsUrl}/rooms/${room}?topics=AAPL&since=1&epoch=${history.epoch}`);
    await resumed.waitForCount(2, "the AAPL replay after seq 1");
    await settle(QUIET_MS);
    expect(resumed.texts()).toEqual(['{"px":2}', '{"px":3}']);
    resumed.close();
  });

  it("answers a literal close code 1005 without a reason like a close without a code (runtime deviation)", async () => {
    const socket = await rawUpgrade(gateway.port, "/rooms/literal-1005");
    socket.send(clientFrame(OPCODE_CLOSE, Buffer.from([0x03, 0xed])));
    const reply = await socket.waitForCloseFrame();
    socket.destroy();
    // RFC 6455 wants 1002; workerd reports this frame exactly as a status-less close.
    expect(reply).toEqual({ code: 1005, reason: "" });
  });

  it("echoes a close reason of invalid UTF-8 with U+FFFD instead of failing it (runtime deviation)", async () => {
    const socket = await rawUpgrade(gateway.port, "/rooms/close-bad-utf8");
    const invalidReason = Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62]); // "a", a UTF-16 surrogate, "b"
    socket.send(clientFrame(OPCODE_CLOSE, Buffer.concat([Buffer.from([0x03, 0xe8]), invalidReason])));
    const reply = await socket.waitForCloseFrame();
    socket.destroy();
    expect(reply.code).toBe(CloseCode.normal);
    expect(reply.reason).toMatch(/^a\uFFFD+b$/);
  });
});
