import { describe, expect, it } from "vitest";
import { connect, connectV1, waitForFrame } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { postMessage, publishHttp, readHistory } from "../../helpers/http-api";

const API_KEY = "test-api-key-7f3a";

describe("HTTP publish (open mode)", () => {
  const gateway = useGateway();

  it("answers 202 with increasing seqs", async () => {
    const first = await postMessage(gateway.httpUrl, "pub-seq", JSON.stringify({ data: "a" }));
    const second = await postMessage(gateway.httpUrl, "pub-seq", JSON.stringify({ data: "b" }));
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ seq: 1 });
    expect(await second.json()).toEqual({ seq: 2 });
  });

  it("delivers string data as-is and anything else as JSON text to raw clients", async () => {
    const client = await connect(`${gateway.wsUrl}/rooms/pub-raw`);
    await postMessage(gateway.httpUrl, "pub-raw", JSON.stringify({ data: "plain string" }));
    await postMessage(gateway.httpUrl, "pub-raw", JSON.stringify({ data: { price: 101.5, sym: "AAPL" } }));
    await postMessage(gateway.httpUrl, "pub-raw", "typed as text", { "Content-Type": "text/plain" });
    await postMessage(gateway.httpUrl, "pub-raw", JSON.stringify({ data: [1, "two"] }));
    await client.waitForCount(4, "four published messages");
    expect(client.texts()).toEqual(["plain string", '{"price":101.5,"sym":"AAPL"}', "typed as text", '[1,"two"]']);
    client.close();
  });

  it("delivers message frames with seq and from to roomcast.v1 clients", async () => {
    const { client } = await connectV1(`${gateway.wsUrl}/rooms/pub-v1`);
    const response = await postMessage(gateway.httpUrl, "pub-v1", JSON.stringify({ data: { n: 1 }, topic: "t" }));
    const { seq } = await response.json();
    const frame = await waitForFrame(client, (f) => f.type === "message", "message frame");
    expect(frame).toMatchObject({ type: "message", seq, topic: "t", from: "api", data: { n: 1 }, ts: expect.any(Number) });
    client.close();
  });

  const badBodies: Array<[string, string]> = [
    ["not JSON", "{nope"],
    ["a JSON array", "[1,2]"],
    ["an object without data", '{"topic":"x"}'],
    ["a topic that is not a string", '{"data":1,"topic":5}'],
    ["an empty body", ""],
  ];
  for (const [label, body] of badBodies) {
    it(`answers ${label} with 400 and a JSON error, publishing nothing`, async () => {
      const response = await postMessage(gateway.httpUrl, "pub-bad", body);
      expect(response.status).toBe(400);
      const error = await response.json();
      expect(error).toMatchObject({ error: { code: "bad_request", message: expect.any(String) } });
      const history = await readHistory(gateway.httpUrl, "pub-bad");
      expect(history.seq).toBe(0);
    });
  }

  it("answers a body over MAX_MESSAGE_BYTES with 413", async () => {
    const response = await postMessage(gateway.httpUrl, "pub-big", JSON.stringify({ data: "x".repeat(70_000) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("answers a chunked body over the limit with 413", async () => {
    const chunk = new TextEncoder().encode("x".repeat(16_384));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${gateway.httpUrl}/rooms/pub-big/messages`, {
      method: "POST",
      body,
      headers: { "Content-Type": "text/plain" },
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it("serves history oldest first with since and limit", async () => {
    // Each publish must be answered 202 with the next seq: a refused one is named here, not seen later as a shifted page.
    const seqs: number[] = [];
    for (const data of ["h1", "h2", "h3"]) seqs.push(await publishHttp(gateway.httpUrl, "pub-history", data));
    expect(seqs).toEqual([1, 2, 3]);
    const page = await readHistory(gateway.httpUrl, "pub-history", "?since=1&limit=1");
    expect(page.messages.map((m: { data: string; seq: number }) => [m.seq, m.data])).toEqual([[2, "h2"]]);
    expect(page.seq).toBe(3);
    expect((await fetch(`${gateway.httpUrl}/rooms/pub-history/messages?since=-1`)).status).toBe(400);
  });
});

describe("HTTP publish (token mode)", () => {
  const gateway = useGateway({ AUTH_MODE: "token", API_KEY });

  it("needs Authorization: Bearer <API_KEY>", async () => {
    expect((await postMessage(gateway.httpUrl, "secure", '{"data":1}')).status).toBe(401);
    expect((await postMessage(gateway.httpUrl, "secure", '{"data":1}', { Authorization: "Bearer wrong" })).status).toBe(401);
    const ok = await postMessage(gateway.httpUrl, "secure", '{"data":1}', { Authorization: `Bearer ${API_KEY}` });
    expect(ok.status).toBe(202);
    const unauthorizedRead = await fetch(`${gateway.httpUrl}/rooms/secure/messages`);
    expect(unauthorizedRead.status).toBe(401);
    const body = JSON.stringify(await unauthorizedRead.json());
    expect(body).not.toContain(API_KEY);
  });
});
