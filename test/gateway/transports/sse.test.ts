import { describe, expect, it } from "vitest";
import { connect, settle } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { useSseStreams, type SseStream } from "../../helpers/sse-client";
import { publishHttp } from "../../helpers/http-api";

/** Short heartbeats so the idle-stream and cleanup checks take about a second. */
const HEARTBEAT_SECONDS = 1;
const HEARTBEAT_WAIT_MS = 5_000;
const INFO_POLL_MS = 100;

const gateway = useGateway({ TRANSPORT_HEARTBEAT_SECONDS: HEARTBEAT_SECONDS });
const open = useSseStreams(gateway);

const payload = (stream: SseStream) => stream.events.filter((e) => e.event === "message").map((e) => JSON.parse(e.data) as { seq: number; topic?: string; data: unknown; snapshot?: boolean });

describe("SSE GET /rooms/:room/events", () => {
  it("streams text/event-stream with a welcome, then each message with id = seq", async () => {
    const stream = await open("sse-live");
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const welcome = JSON.parse((await stream.waitFor((e) => e.event === "welcome", "welcome event")).data);
    expect(welcome).toMatchObject({ room: "sse-live", seq: 0 });
    const seq = await publishHttp(gateway.httpUrl, "sse-live", { px: 1 }, "AAPL");
    const event = await stream.waitFor((e) => e.id === String(seq), `event with id ${seq}`);
    expect(JSON.parse(event.data)).toMatchObject({ seq, topic: "AAPL", from: "api", data: { px: 1 } });
  });

  it("resumes from Last-Event-ID with exactly the messages it missed, in seq order", async () => {
    for (const text of ["one", "two", "three"]) await publishHttp(gateway.httpUrl, "sse-resume", text);
    const stream = await open("sse-resume", "", { "Last-Event-ID": "1" });
    const welcome = JSON.parse((await stream.waitFor((e) => e.event === "welcome", "welcome event")).data);
    expect(welcome).toMatchObject({ recovered: true, missed: 2 });
    await stream.waitUntil(() => payload(stream).length >= 2, "the two missed messages");
    const live = await publishHttp(gateway.httpUrl, "sse-resume", "four");
    await stream.waitFor((e) => e.id === String(live), "the live message after the replay");
    expect(stream.events.filter((e) => e.id !== undefined).map((e) => e.id)).toEqual(["2", "3", "4"]);
    expect(payload(stream).map((m) => m.data)).toEqual(["two", "three", "four"]);
  });

  it("resumes from ?since= and reports recovered false for another epoch", async () => {
    await publishHttp(gateway.httpUrl, "sse-epoch", "old");
    const stream = await open("sse-epoch", "?since=0&epoch=0123456789abcdef");
    const welcome = JSON.parse((await stream.waitFor((e) => e.event === "welcome", "welcome event")).data);
    expect(welcome.recovered).toBe(false);
    const live = await publishHttp(gateway.httpUrl, "sse-epoch", "new");
    await stream.waitFor((e) => e.id === String(live), "the live message");
    expect(payload(stream).map((m) => m.data)).toEqual(["new"]);
  });

  it("filters with ?topics= and sends the latest of each topic first, as a snapshot without an id", async () => {
    const snapshotSeq = await publishHttp(gateway.httpUrl, "sse-topics", 1, "fx.eur");
    const stream = await open("sse-topics", "?topics=fx.*");
    await stream.waitUntil(() => payload(stream).length >= 1, "the snapshot");
    await publishHttp(gateway.httpUrl, "sse-topics", "skip", "AAPL");
    const live = await publishHttp(gateway.httpUrl, "sse-topics", 2, "fx.gbp");
    await stream.waitFor((e) => e.id === String(live), "the matching live message");
    expect(payload(stream)).toEqual([expect.objectContaining({ seq: snapshotSeq, snapshot: true }), expect.objectContaining({ seq: live, topic: "fx.gbp" })]);
    expect(stream.events.filter((e) => e.event === "message")[0]!.id).toBeUndefined();
  });

  it("sends heartbeat comments while idle", async () => {
    const stream = await open("sse-idle");
    await stream.waitUntil(() => stream.comments.includes("heartbeat"), "a heartbeat comment", HEARTBEAT_WAIT_MS);
  });

  it("ends with an event: close carrying the code when the room closes the stream", async () => {
    const stream = await open("sse-deleted");
    await stream.waitFor((e) => e.event === "welcome", "welcome event");
    await fetch(`${gateway.httpUrl}/rooms/sse-deleted`, { method: "DELETE" });
    const close = await stream.waitFor((e) => e.event === "close", "close event");
    expect(JSON.parse(close.data)).toMatchObject({ code: 1001 });
    await stream.ended;
  });

  it("releases its room connection when the client goes away", async () => {
    const stream = await open("sse-gone");
    await stream.waitFor((e) => e.event === "welcome", "welcome event");
    const connections = async () => ((await (await fetch(`${gateway.httpUrl}/rooms/sse-gone/info`)).json()) as { connections: number }).connections;
    expect(await connections()).toBe(1);
    stream.close();
    const deadline = Date.now() + HEARTBEAT_WAIT_MS;
    while ((await connections()) !== 0) {
      if (Date.now() > deadline) throw new Error(`timed out after ${HEARTBEAT_WAIT_MS} ms: the room still counts the closed stream's link`);
      await settle(INFO_POLL_MS);
    }
  });

  it("shares the seq space with WebSocket clients", async () => {
    const stream = await open("sse-shared");
    await stream.waitFor((e) => e.event === "welcome", "welcome event");
    const raw = await connect(`${gateway.wsUrl}/rooms/sse-shared`);
    raw.ws.send("from a raw socket");
    const event = await stream.waitFor((e) => e.event === "message", "the raw client's message");
    expect(event.id).toBe("1");
    expect(JSON.parse(event.data)).toMatchObject({ seq: 1, data: "from a raw socket" });
    raw.close();
  });

  for (const [headers, query, what] of [
    [{ "Last-Event-ID": "seven" }, "", "a Last-Event-ID that is not a seq"],
    [{}, "?since=-3", "a negative since"],
    [{}, "?since=1&epoch=NOT-AN-EPOCH", "an epoch that is not the room's kind of id"],
  ] as const) {
    it(`answers 400 with a JSON error for ${what}`, async () => {
      const stream = await open("sse-bad", query, headers);
      expect(stream.status).toBe(400);
      expect(JSON.parse(stream.errorBody!)).toMatchObject({ error: { code: "bad_request" } });
    });
  }

  it("answers 400 for a bad room name before touching any room", async () => {
    const stream = await open("bad%20room");
    expect(stream.status).toBe(400);
  });
});
