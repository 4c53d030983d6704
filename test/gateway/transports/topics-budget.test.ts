import { describe, expect, it } from "vitest";
import { MAX_TOPIC_CHARS_PER_CONNECTION } from "../../../src/shared/limits";
import { useGateway } from "../../helpers/use-gateway";
import { rawUpgrade } from "../../helpers/raw-socket";

/**
 * Issue 10 item 4 through the HTTP transports: a `?topics=` list over the socket-state budget is
 * a 400 `bad_request` to the HTTP client, before any stream or session opens.
 */
const gateway = useGateway();

/** 20 distinct topics of 256 characters: 5,120 characters, over the 4,096 a connection may hold. */
const overBudget = Array.from({ length: 20 }, (_, i) => String(i).padStart(3, "0") + "t".repeat(253)).join(",");

async function expectBadRequest(response: Response): Promise<void> {
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("bad_request");
  expect(body.error.message).toContain(String(MAX_TOPIC_CHARS_PER_CONNECTION));
}

describe("?topics= over the budget on the HTTP transports", () => {
  it("SSE answers 400 bad_request", async () => {
    const response = await fetch(`${gateway.httpUrl}/rooms/budget-sse/events?topics=${overBudget}`, { signal: AbortSignal.timeout(10_000) });
    await expectBadRequest(response);
  });

  for (const [transport, method] of [["xhr", "POST"], ["xhr_streaming", "POST"], ["eventsource", "GET"]] as const) {
    it(`SockJS ${transport} answers 400 bad_request`, async () => {
      const response = await fetch(`${gateway.httpUrl}/sockjs/budget-sockjs/000/${transport}-s/${transport}?topics=${overBudget}`, { method, signal: AbortSignal.timeout(10_000) });
      await expectBadRequest(response);
    });
  }

  it("SockJS websocket answers 400 before the upgrade", async () => {
    const socket = await rawUpgrade(gateway.port, `/sockjs/budget-sockjs/000/ws-s/websocket?topics=${overBudget}`);
    socket.destroy();
    expect(socket.responseHead).toMatch(/^HTTP\/1\.1 400/);
  });

  it("a list within the budget still opens", async () => {
    const withinBudget = overBudget.split(",").slice(0, 15).join(",");
    const response = await fetch(`${gateway.httpUrl}/sockjs/budget-sockjs/000/ok-s/xhr?topics=${withinBudget}`, { method: "POST", signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("o\n");
  });
});
