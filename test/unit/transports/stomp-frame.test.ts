import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StompParser, encodeFrame, escapeHeader, header } from "../../../src/transports/stomp/frame";
import { negotiateHeartBeats, negotiateVersion, parseHeartBeat } from "../../../src/transports/stomp/negotiation";
import { decodeSendBody } from "../../../src/transports/stomp/send-body";
import { Subscriptions, topicOf } from "../../../src/transports/stomp/subscriptions";

const MAX_FRAME_BYTES = 1_024;
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (body: Uint8Array) => new TextDecoder().decode(body);

describe("StompParser", () => {
  it("parses a frame with headers and a NUL-terminated body", () => {
    const result = new StompParser(MAX_FRAME_BYTES).push(bytes("SEND\ndestination:/topic/a\nreceipt:r1\n\nhello\0"));
    expect(result.problem).toBeUndefined();
    expect(result.frames).toHaveLength(1);
    const [frame] = result.frames;
    expect(frame!.command).toBe("SEND");
    expect(header(frame!, "destination")).toBe("/topic/a");
    expect(text(frame!.body)).toBe("hello");
  });

  it("reads content-length bodies that contain NUL bytes", () => {
    const result = new StompParser(MAX_FRAME_BYTES).push(bytes("SEND\ncontent-length:3\n\na\0b\0"));
    expect(Array.from(result.frames[0]!.body)).toEqual([0x61, 0, 0x62]);
  });

  it("accepts CRLF line endings and counts EOLs between frames as heart-beats", () => {
    const result = new StompParser(MAX_FRAME_BYTES).push(bytes("\n\r\nSUBSCRIBE\r\nid:0\r\ndestination:/topic/x\r\n\r\n\0\n"));
    expect(result.heartbeats).toBe(3);
    expect(header(result.frames[0]!, "id")).toBe("0");
  });

  it("keeps the first of repeated headers", () => {
    const [frame] = new StompParser(MAX_FRAME_BYTES).push(bytes("SEND\nfoo:1\nfoo:2\n\n\0")).frames;
    expect(header(frame!, "foo")).toBe("1");
  });

  it("unescapes 1.2 header values but not CONNECT headers", () => {
    const parser = new StompParser(MAX_FRAME_BYTES);
    const [connect, send] = parser.push(bytes("CONNECT\nlogin:a\\cb\n\n\0SEND\nx:a\\cb\\nc\\\\d\\re\n\n\0")).frames;
    expect(header(connect!, "login")).toBe("a\\cb");
    expect(header(send!, "x")).toBe("a:b\nc\\d\re");
  });

  it("joins a frame split over several messages", () => {
    const parser = new StompParser(MAX_FRAME_BYTES);
    expect(parser.push(bytes("SEN")).frames).toHaveLength(0);
    expect(parser.push(bytes("D\ndestination:/topic/a\n\nhel")).frames).toHaveLength(0);
    expect(text(parser.push(bytes("lo\0")).frames[0]!.body)).toBe("hello");
  });

  for (const [input, what] of [
    ["garbage", "an unknown command before any newline"],
    ["HELLO\n\n\0", "an unknown command"],
    ["SEND\nno-colon-here\n\n\0", "a header line without a colon"],
    ["SEND\nx:bad\\tescape\n\n\0", "an undefined escape"],
    ["SEND\ncontent-length:abc\n\n\0", "a content-length that is not a number"],
    ["SEND\ncontent-length:1\n\nab\0", "a body longer than its content-length"],
  ] as const) {
    it(`reports ${what} as malformed`, () => {
      expect(new StompParser(MAX_FRAME_BYTES).push(bytes(input)).problem).toMatchObject({ kind: "malformed" });
    });
  }

  it("reports a frame over the size limit as too large", () => {
    const result = new StompParser(MAX_FRAME_BYTES).push(bytes(`SEND\n\n${"x".repeat(MAX_FRAME_BYTES + 1)}`));
    expect(result.problem).toMatchObject({ kind: "too_large" });
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), (chunk) => {
        const result = new StompParser(MAX_FRAME_BYTES).push(chunk);
        expect(Array.isArray(result.frames)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("encodeFrame", () => {
  it("writes command, escaped headers, content-length in UTF-8 bytes and a NUL", () => {
    expect(encodeFrame("MESSAGE", [["destination", "/topic/a:b"]], "é", "1.2")).toBe("MESSAGE\ndestination:/topic/a\\cb\ncontent-length:2\n\né\0");
  });

  it("round-trips header values through the parser for 1.1 and 1.2", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom("1.1" as const, "1.2" as const), (value, version) => {
        const parser = new StompParser(64 * 1024);
        parser.version = version;
        const wire = encodeFrame("SEND", [["x", value]], "", version);
        const expected = version === "1.1" ? value.replace(/\r/g, " ") : value;
        expect(header(parser.push(bytes(wire)).frames[0]!, "x")).toBe(expected);
      }),
    );
  });

  it("never escapes CONNECTED headers and keeps 1.0 values on one line", () => {
    expect(escapeHeader("a:b", "1.2", "CONNECTED")).toBe("a:b");
    expect(escapeHeader("a\nb", "1.0", "MESSAGE")).toBe("a b");
  });
});

describe("STOMP negotiation", () => {
  it("picks the highest common version, 1.0 when accept-version is absent", () => {
    expect(negotiateVersion("1.0,1.1,1.2")).toBe("1.2");
    expect(negotiateVersion("1.1")).toBe("1.1");
    expect(negotiateVersion(undefined)).toBe("1.0");
    expect(negotiateVersion("2.0")).toBeNull();
  });

  it("parses heart-beat headers and refuses malformed ones", () => {
    expect(parseHeartBeat(undefined)).toEqual([0, 0]);
    expect(parseHeartBeat("10000, 5000")).toEqual([10_000, 5_000]);
    expect(parseHeartBeat("ten,0")).toBeNull();
    expect(parseHeartBeat("-1,0")).toBeNull();
  });

  it("beats each way at the larger wish, and not at all when either side says 0", () => {
    expect(negotiateHeartBeats([1_000, 2_000], [5_000, 5_000])).toEqual({ serverSendsEveryMs: 5_000, clientSendsEveryMs: 5_000 });
    expect(negotiateHeartBeats([10_000, 0], [5_000, 5_000])).toEqual({ serverSendsEveryMs: 0, clientSendsEveryMs: 10_000 });
    expect(negotiateHeartBeats([0, 20_000], [5_000, 0])).toEqual({ serverSendsEveryMs: 20_000, clientSendsEveryMs: 0 });
  });
});

describe("STOMP destinations and subscriptions", () => {
  it("maps /topic/NAME to topic NAME and refuses anything else", () => {
    expect(topicOf("/topic/AAPL")).toBe("AAPL");
    expect(topicOf("/topic/fx.*")).toBe("fx.*");
    expect(topicOf("/queue/a")).toBeNull();
    expect(topicOf("/topic/")).toBeNull();
  });

  it("subscribes the room link to a filter once and unsubscribes after its last subscription", () => {
    const subscriptions = new Subscriptions();
    expect(subscriptions.add({ id: "1", destination: "/topic/a", topic: "a", ack: "auto" })).toBe(true);
    expect(subscriptions.add({ id: "2", destination: "/topic/a", topic: "a", ack: "auto" })).toBe(false);
    expect(subscriptions.matching("a").map((s) => s.id)).toEqual(["1", "2"]);
    expect(subscriptions.remove("1")?.lastOfFilter).toBe(false);
    expect(subscriptions.remove("2")?.lastOfFilter).toBe(true);
    expect(subscriptions.remove("2")).toBeUndefined();
  });
});

describe("decodeSendBody", () => {
  it("publishes JSON bodies as values and other bodies as strings", () => {
    expect(decodeSendBody(bytes('{"px":1}'), "application/json;charset=utf-8")).toEqual({ ok: true, data: { px: 1 } });
    expect(decodeSendBody(bytes('{"px":1}'), undefined)).toEqual({ ok: true, data: '{"px":1}' });
    expect(decodeSendBody(bytes("{nope"), "application/json")).toMatchObject({ ok: false });
    expect(decodeSendBody(new Uint8Array([0xff, 0xfe]), "text/plain")).toMatchObject({ ok: false });
  });
});
