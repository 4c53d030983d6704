/**
 * @module sdk-clients
 * `useSdkClients(gateway)`: for SDK tests, a TCP proxy in front of the gateway (to cut, refuse or
 * silence links and count connection attempts) started before the tests, and every RoomClient
 * the tests `track` closed after them, before the proxy goes.
 */
import { afterAll, beforeAll } from "vitest";
import type { RoomClient } from "../../src/client";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";
import type { GatewayEndpoint } from "./use-gateway";

export interface SdkClients {
  /** The proxy; valid inside tests and in hooks registered after useSdkClients. */
  proxy: TcpProxy;
  /** Registers `client` to be closed after the tests; returns it. */
  track<T extends RoomClient>(client: T): T;
}

export function useSdkClients(gateway: GatewayEndpoint): SdkClients {
  let started: TcpProxy | undefined;
  const clients: RoomClient[] = [];
  beforeAll(async () => {
    started = await startTcpProxy(gateway.port);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await started?.close();
  });
  // Forwards to the proxy started in beforeAll, so tests can hold `proxy` from the start.
  const proxy = new Proxy({} as TcpProxy, {
    get(_, key) {
      if (!started) throw new Error("useSdkClients: the proxy is not started yet (use it inside tests)");
      const value = Reflect.get(started, key, started);
      return typeof value === "function" ? value.bind(started) : value;
    },
  });
  return { proxy, track: (client) => (clients.push(client), client) };
}
