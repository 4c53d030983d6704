import { describe, expect, it } from "vitest";
import { connect, connectV1, framesOf, waitForFrame, type Frame } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { publishHttp } from "../../helpers/http-api";

const BOUNDARY_MESSAGES = 1_000;

const seqsOf = (frames: Frame[]) => frames.filter((f) => f.type === "message").map((f) => f.seq as number);

describe("resume", () => {
  const gateway = useGateway({ HISTORY_MAX_MESSAGES: 50, RATE_LIMIT_MESSAGES_PER_SECOND: 100_000 });

  it("replays every missed message in order before live ones and says recovered", async () => {
    const first = await connectV1(`${gateway.wsUrl}/rooms/resume`);
    await publishHttp(gateway.httpUrl, "resume", "m1");
    await waitForFrame(first.client, (f) => f.type === "message" && f.seq === 1, "m1 live");
    first.client.close(1000);
    for (const data of ["m2", "m3", "m4"]) await publishHttp(gateway.httpUrl, "resume", data);
    const { client, welcome } = await connectV1(`${gateway.wsUrl}/rooms/resume?since=1&epoch=${first.welcome.epoch}`);
    expect(welcome).toMatchObject({ recovered: true, missed: 3, seq: 4 });
    await waitForFrame(client, (f) => f.type === "message" && f.seq === 4, "replayed m4");
    await publishHttp(gateway.httpUrl, "resume", "m5");
    await waitForFrame(client, (f) => f.type === "message" && f.seq === 5, "live m5");
    expect(seqsOf(framesOf(client))).toEqual([2, 3, 4, 5]);
    client.close();
  });

  it("replays only the topics the connection filters on", async () => {
    const { welcome, client: probe } = await connectV1(`${gateway.wsUrl}/rooms/resume-topics`);
    probe.close();
    await publishHttp(gateway.httpUrl, "resume-topics", 1, "AAPL");
    await publishHttp(gateway.httpUrl, "resume-topics", 2, "MSFT");
    await publishHttp(gateway.httpUrl, "resume-topics", 3, "AAPL");
    const raw = await connect(`${gateway.wsUrl}/rooms/resume-topics?topics=AAPL&since=0&epoch=${welcome.epoch}`);
    await raw.waitForCount(2, "two AAPL replays at a raw client");
    expect(raw.texts()).toEqual(["1", "3"]);
    raw.close();
  });

  it("says recovered false for another epoch, a future seq, or a gap beyond the history window", async () => {
    const { welcome, client: probe } = await connectV1(`${gateway.wsUrl}/rooms/resume-lost`);
    probe.close();
    for (let i = 0; i < 60; i++) await publishHttp(gateway.httpUrl, "resume-lost", i);
    for (const query of [`since=55&epoch=deadbeef`, `since=99&epoch=${welcome.epoch}`, `since=2&epoch=${welcome.epoch}`, `since=x&epoch=${welcome.epoch}`]) {
      const { client, welcome: answer } = await connectV1(`${gateway.wsUrl}/rooms/resume-lost?${query}`);
      expect(answer.recovered, query).toBe(false);
      expect(framesOf(client).filter((f) => f.type === "message")).toHaveLength(0);
      client.close();
    }
    const { welcome: inside, client } = await connectV1(`${gateway.wsUrl}/rooms/resume-lost?since=10&epoch=${welcome.epoch}`);
    expect(inside).toMatchObject({ recovered: true, missed: 50 });
    client.close();
  });
});

describe("resume at the replay/live boundary", () => {
  const gateway = useGateway({ RATE_LIMIT_MESSAGES_PER_SECOND: 100_000 });
  // Default history window (1,000) so the resume point stays inside it however fast the publisher is.

  it(`delivers each seq exactly once, in order, when resuming during a ${BOUNDARY_MESSAGES}-message publish`, async () => {
    const publisher = await connectV1(`${gateway.wsUrl}/rooms/boundary`);
    const early = await connectV1(`${gateway.wsUrl}/rooms/boundary`);
    const sendBatch = (from: number, to: number) => {
      for (let i = from; i < to; i++) publisher.client.ws.send(JSON.stringify({ type: "publish", data: i }));
    };
    sendBatch(0, 20);
    await waitForFrame(early.client, (f) => f.type === "message" && f.seq === 20, "first 20 messages");
    early.client.close(1000);
    // Publish the rest in slices while the client reconnects, so the replay races live traffic.
    const publishing = (async () => {
      for (let from = 20; from < BOUNDARY_MESSAGES; from += 10) {
        sendBatch(from, from + 10);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const resumed = await connectV1(`${gateway.wsUrl}/rooms/boundary?since=20&epoch=${early.welcome.epoch}`);
    expect(resumed.welcome.recovered).toBe(true);
    await publishing;
    await waitForFrame(resumed.client, (f) => f.type === "message" && f.seq === BOUNDARY_MESSAGES, `seq ${BOUNDARY_MESSAGES}`, 20_000);
    const seqs = seqsOf(framesOf(resumed.client));
    expect(seqs).toEqual(Array.from({ length: BOUNDARY_MESSAGES - 20 }, (_, i) => i + 21));
    publisher.client.close();
    resumed.client.close();
  });
});
