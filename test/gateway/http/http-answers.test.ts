import { beforeAll, describe, expect, it } from "vitest";
import { useGateway } from "../../helpers/use-gateway";
import { JSON_HEADERS } from "../../helpers/http-api";
import { JWT_SECRET, mintToken } from "../../helpers/tokens";

/** Token mode with a JWT_SECRET but no API_KEY: the HTTP API takes admin tokens only. */
describe("HTTP answers (token mode, no API key configured)", () => {
  const gateway = useGateway({ AUTH_MODE: "token", JWT_SECRET });
  let admin: string;
  beforeAll(async () => {
    admin = await mintToken({ can: ["admin"], rooms: ["*"] });
  });

  const wrongMethods: Array<[string, string, string]> = [
    ["PUT", "/rooms/answers/messages", "GET, HEAD, POST"],
    ["PATCH", "/rooms/answers", "DELETE, GET, HEAD"],
    ["POST", "/rooms/answers/info", "GET, HEAD"],
    ["GET", "/rooms/answers/tickets", "POST"],
    ["GET", "/rooms/answers/connections/0123456789abcdef", "DELETE"],
    ["POST", "/rooms/answers/events", "GET, HEAD"],
    ["GET", "/publish", "POST"],
    ["POST", "/healthz", "GET, HEAD"],
  ];
  for (const [method, path, allow] of wrongMethods) {
    it(`${method} ${path} is 405 with Allow: ${allow}`, async () => {
      const response = await fetch(`${gateway.httpUrl}${path}`, { method, headers: { Authorization: `Bearer ${admin}` } });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe(allow);
      expect(await response.json()).toMatchObject({ error: { code: "method_not_allowed" } });
    });
  }

  it("an unknown path is still a JSON 404", async () => {
    for (const path of ["/nope", "/rooms/answers/nope", "/rooms/answers/messages/extra"]) {
      const response = await fetch(`${gateway.httpUrl}${path}`, { method: "POST" });
      expect(response.status, path).toBe(404);
      expect(response.headers.get("allow"), path).toBeNull();
    }
  });

  it("POST /publish names the room of an invalid-room result when it was given as a string", async () => {
    const response = await fetch(`${gateway.httpUrl}/publish`, {
      method: "POST",
      headers: { ...JSON_HEADERS, Authorization: `Bearer ${admin}` },
      body: JSON.stringify({ messages: [{ room: "not a room!", data: 1 }, { room: 7, data: 1 }, { data: 1 }, { room: "answers", data: 1 }] }),
    });
    const { results } = (await response.json()) as { results: Array<Record<string, unknown>> };
    expect(results[0]).toMatchObject({ room: "not a room!", error: { code: "invalid_room" } });
    expect(results[1]).not.toHaveProperty("room");
    expect(results[1]).toMatchObject({ error: { code: "invalid_room" } });
    expect(results[2]).toMatchObject({ error: { code: "invalid_room" } });
    expect(results[3]).toEqual({ room: "answers", seq: 1 });
  });

  it("a wrong bearer is told that no API key is configured", async () => {
    for (const route of [["POST", "/rooms/answers/messages"], ["POST", "/publish"], ["GET", "/rooms/answers/info"]] as const) {
      const response = await fetch(`${gateway.httpUrl}${route[1]}`, { method: route[0], headers: { ...JSON_HEADERS, Authorization: "Bearer some-guessed-key" }, body: route[0] === "POST" ? "{}" : undefined });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("unauthorized");
      expect(body.error.message).toMatch(/no API key is configured/);
    }
  });
});
