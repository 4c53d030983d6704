import { describe, expect, it } from "vitest";
import { connect } from "../../helpers/clients";
import { startGateway, tempDir } from "../../helpers/gateway";
import { publishBatch, publishHttp, readHistory } from "../../helpers/http-api";

async function welcome(wsUrl: string): Promise<{ epoch: string; seq: number }> {
  const client = await connect(`${wsUrl}/rooms/durable`, { protocols: "roomcast.v1" });
  const frame = JSON.parse((await client.nextMessage("welcome")).data as string);
  client.close();
  return frame;
}

describe("history persistence", () => {
  it("keeps seq, epoch and history across a restart with the same state directory", async () => {
    const persistTo = tempDir("persist");
    const first = await startGateway({ persistTo });
    let before: { epoch: string; seq: number };
    try {
      expect(await publishHttp(first.httpUrl, "durable", "one")).toBe(1);
      const raw = await connect(`${first.wsUrl}/rooms/durable`);
      const peer = await connect(`${first.wsUrl}/rooms/durable`);
      raw.ws.send("two");
      await peer.nextMessage("raw text relayed");
      raw.close();
      peer.close();
      before = await welcome(first.wsUrl);
      expect(before.seq).toBe(2);
    } finally {
      await first.stop();
    }

    const second = await startGateway({ persistTo });
    try {
      const after = await welcome(second.wsUrl);
      expect(after).toMatchObject({ epoch: before.epoch, seq: 2 });
      expect(await publishHttp(second.httpUrl, "durable", "three")).toBe(3);
      const history = await readHistory(second.httpUrl, "durable");
      expect(history.epoch).toBe(before.epoch);
      expect(history.messages.map((m: { seq: number; data: string }) => [m.seq, m.data])).toEqual([
        [1, "one"],
        [2, "two"],
        [3, "three"],
      ]);
    } finally {
      await second.stop();
    }
  });

  it("starts a fresh epoch in a new state directory", async () => {
    const gateway = await startGateway();
    try {
      const frame = await welcome(gateway.wsUrl);
      expect(frame.seq).toBe(0);
      expect(frame.epoch).toMatch(/^[0-9a-f]{16}$/);
    } finally {
      await gateway.stop();
    }
  });
});

describe("history trimming", () => {
  it("keeps at most HISTORY_MAX_MESSAGES, oldest trimmed", async () => {
    const gateway = await startGateway({ vars: { HISTORY_MAX_MESSAGES: 3 } });
    try {
      for (const data of ["a", "b", "c", "d", "e"]) await publishHttp(gateway.httpUrl, "durable", data);
      const history = await readHistory(gateway.httpUrl, "durable");
      expect(history.seq).toBe(5);
      expect(history.messages.map((m: { data: string }) => m.data)).toEqual(["c", "d", "e"]);
    } finally {
      await gateway.stop();
    }
  });

  it("keeps the newest HISTORY_MAX_MESSAGES of a larger batch, and its seq across a restart", async () => {
    const persistTo = tempDir("batch-window");
    const vars = { HISTORY_MAX_MESSAGES: 3 };
    const first = await startGateway({ persistTo, vars });
    try {
      const results = await publishBatch(first.httpUrl, Array.from({ length: 50 }, (_, i) => ({ room: "durable", data: `m${i + 1}` })));
      expect(results.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      const history = await readHistory(first.httpUrl, "durable");
      expect(history.messages.map((m: { seq: number; data: string }) => [m.seq, m.data])).toEqual([
        [48, "m48"],
        [49, "m49"],
        [50, "m50"],
      ]);
    } finally {
      await first.stop();
    }
    const second = await startGateway({ persistTo, vars });
    try {
      expect(await publishHttp(second.httpUrl, "durable", "m51")).toBe(51);
      const history = await readHistory(second.httpUrl, "durable");
      expect(history.messages.map((m: { data: string }) => m.data)).toEqual(["m49", "m50", "m51"]);
    } finally {
      await second.stop();
    }
  });

  it("drops messages older than HISTORY_MAX_AGE_SECONDS", async () => {
    const gateway = await startGateway({ vars: { HISTORY_MAX_AGE_SECONDS: 1 } });
    try {
      await publishHttp(gateway.httpUrl, "durable", "old");
      await new Promise((r) => setTimeout(r, 1_200));
      await publishHttp(gateway.httpUrl, "durable", "new");
      const history = await readHistory(gateway.httpUrl, "durable");
      expect(history.messages.map((m: { data: string }) => m.data)).toEqual(["new"]);
    } finally {
      await gateway.stop();
    }
  });

  it("keeps counting seq after a restart even when age trimming emptied the history", async () => {
    const persistTo = tempDir("aged");
    const first = await startGateway({ persistTo, vars: { HISTORY_MAX_AGE_SECONDS: 1 } });
    try {
      expect(await publishHttp(first.httpUrl, "durable", "soon gone")).toBe(1);
      await new Promise((r) => setTimeout(r, 1_200));
      const history = await readHistory(first.httpUrl, "durable");
      expect(history).toMatchObject({ seq: 1, messages: [] });
    } finally {
      await first.stop();
    }
    const second = await startGateway({ persistTo, vars: { HISTORY_MAX_AGE_SECONDS: 1 } });
    try {
      expect(await publishHttp(second.httpUrl, "durable", "next")).toBe(2);
    } finally {
      await second.stop();
    }
  });
});
