import { describe, expect, it } from "vitest";
import { useGateway, type GatewayEndpoint } from "../../helpers/use-gateway";
import { rawUpgrade } from "../../helpers/raw-socket";
import { API_KEY, mintToken, tokenModeVars } from "../../helpers/tokens";

interface Route {
  method: string;
  path: string;
  body?: string;
  /** Success for the API key; kicking an unknown id is 404, which still proves it got past auth. */
  ok: number;
}

const ROUTES: Route[] = [
  { method: "POST", path: "/rooms/api-a/messages", body: '{"data":1}', ok: 202 },
  { method: "GET", path: "/rooms/api-a/messages", ok: 200 },
  { method: "GET", path: "/rooms/api-a/info", ok: 200 },
  { method: "POST", path: "/rooms/api-a/tickets", body: "{}", ok: 201 },
  { method: "DELETE", path: "/rooms/api-a/connections/0123456789abcdef", ok: 404 },
  { method: "DELETE", path: "/rooms/api-a", ok: 200 },
  { method: "POST", path: "/publish", body: '{"messages":[{"room":"api-a","data":1}]}', ok: 200 },
];

function call(gateway: GatewayEndpoint, route: Route, authorization?: string) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (authorization) headers.Authorization = authorization;
  return fetch(`${gateway.httpUrl}${route.path}`, { method: route.method, headers, body: route.body });
}

describe("HTTP API auth", () => {
  const gateway = useGateway(tokenModeVars);

  for (const route of ROUTES) {
    it(`${route.method} ${route.path}: 401 without or with bad credentials, 403 without admin, ${route.ok} with the key or an admin token`, async () => {
      expect((await call(gateway, route)).status).toBe(401);
      expect((await call(gateway, route, "Bearer not-the-key")).status).toBe(401);
      expect((await call(gateway, route, `Basic ${btoa(`x:${API_KEY}`)}`)).status).toBe(401);
      expect((await call(gateway, route, `Bearer ${await mintToken({ can: ["publish", "subscribe"] })}`)).status).toBe(403);
      expect((await call(gateway, route, `Bearer ${API_KEY}`)).status).toBe(route.ok);
      expect((await call(gateway, route, `Bearer ${await mintToken({ can: ["admin"], rooms: ["api-*"] })}`)).status).toBe(route.ok);
    });
  }

  it("answers 403 to an admin token for other rooms", async () => {
    const token = await mintToken({ can: ["admin"], rooms: ["other-*"] });
    const response = await call(gateway, ROUTES[0]!, `Bearer ${token}`);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: "forbidden" } });
  });
});

describe("upgrade flood control", () => {
  const gateway = useGateway(tokenModeVars, { own: true });

  it("answers 429 before upgrading once one address opens too many connections", async () => {
    const statuses = new Map<string, number>();
    // The limiter allows 300 new connections per 10 s window per address (wrangler.toml); a
    // burst may straddle two windows, so keep going until refused, within a bound.
    const maxAttempts = 1_200;
    const parallel = 25;
    for (let sent = 0; sent < maxAttempts && !statuses.has("429"); sent += parallel) {
      const heads = await Promise.all(
        Array.from({ length: parallel }, async () => {
          const socket = await rawUpgrade(gateway.port, "/rooms/flood");
          socket.destroy();
          return socket.responseHead.slice(9, 12);
        }),
      );
      for (const status of heads) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(statuses.get("101")).toBeGreaterThan(0);
    expect(statuses.get("429")).toBeGreaterThan(0);
    expect([...statuses.keys()].sort(), JSON.stringify(Object.fromEntries(statuses))).toEqual(["101", "429"]);
  });
});
