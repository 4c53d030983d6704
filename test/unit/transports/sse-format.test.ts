import { describe, expect, it } from "vitest";
import { encodeMessageEvent, encodeSseEvent, parseResume } from "../../../src/transports/sse/sse-format";
import { transportSettings } from "../../../src/transports/transport-settings";

describe("SSE format", () => {
  it("writes id = seq and the history-item JSON as data", () => {
    expect(encodeMessageEvent({ seq: 42, topic: "AAPL", from: "api", data: { px: 1 }, ts: 7 })).toBe(
      'id: 42\ndata: {"seq":42,"topic":"AAPL","from":"api","data":{"px":1},"ts":7}\n\n',
    );
  });

  it("gives snapshots no id, so they never move the resume point", () => {
    expect(encodeMessageEvent({ seq: 3, topic: "a", from: "api", data: 1, ts: 1, snapshot: true })).not.toMatch(/^id:/m);
  });

  it("splits multi-line data into several data lines and strips line breaks from fields", () => {
    expect(encodeSseEvent({ event: "x\ny", data: "a\nb\r\nc" })).toBe("event: xy\ndata: a\ndata: b\ndata: c\n\n");
  });
});

describe("parseResume", () => {
  it("prefers Last-Event-ID over ?since= and treats an empty one as absent", () => {
    expect(parseResume("12", "3", null)).toEqual({ ok: true, resume: { since: 12 } });
    expect(parseResume("", "3", "ab12")).toEqual({ ok: true, resume: { since: 3, epoch: "ab12" } });
    expect(parseResume(null, null, null)).toEqual({ ok: true, resume: {} });
  });

  for (const [lastEventId, since, epoch] of [["12x", null, null], [null, "-1", null], [null, "1", "not hex!"], ["1".repeat(16), null, null]] as const) {
    it(`refuses Last-Event-ID ${JSON.stringify(lastEventId)}, since ${JSON.stringify(since)}, epoch ${JSON.stringify(epoch)}`, () => {
      expect(parseResume(lastEventId, since, epoch).ok).toBe(false);
    });
  }
});

describe("transportSettings", () => {
  it("defaults the heartbeat to 25 s and reads TRANSPORT_HEARTBEAT_SECONDS", () => {
    expect(transportSettings({}).heartbeatMs).toBe(25_000);
    expect(transportSettings({ TRANSPORT_HEARTBEAT_SECONDS: "2" }).heartbeatMs).toBe(2_000);
  });

  it("names the setting when its value is bad", () => {
    expect(() => transportSettings({ TRANSPORT_HEARTBEAT_SECONDS: "0" })).toThrow(/TRANSPORT_HEARTBEAT_SECONDS/);
    expect(() => transportSettings({ TRANSPORT_HEARTBEAT_SECONDS: "soon" })).toThrow(/TRANSPORT_HEARTBEAT_SECONDS/);
  });
});
