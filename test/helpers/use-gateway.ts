/**
 * @module use-gateway
 * `useGateway(vars)`: one call in a file or describe block gives its tests a started gateway and
 * lets it go after them. By default the gateway is shared with every other test file that asks for
 * the same vars (the broker in gateway-broker.ts starts one per var set), so such tests must use
 * room names no other file uses and must not depend on gateway-wide state. A file that needs its
 * own process (reads the log output, counts wakes, exhausts the per-IP connect limit) passes
 * `{ own: true }`; one that kills, restarts or persists the gateway calls startGateway itself.
 *
 * Shared gateways run with CONNECT_RATE_LIMIT=off unless the vars say otherwise: the per-IP
 * connect limit counts every file's connections together, and it is tested on its own gateway
 * (auth/http-auth.test.ts).
 */
import { afterAll, beforeAll, inject } from "vitest";
import type { GatewayVars, SharedGatewayEndpoint } from "./gateway-broker";
import { startGateway, type Gateway } from "./gateway";

export type { GatewayVars } from "./gateway-broker";

/** Where a test reaches the gateway; valid inside tests and hooks registered after useGateway. */
export interface GatewayEndpoint {
  readonly port: number;
  readonly httpUrl: string;
  readonly wsUrl: string;
}

export interface OwnGateway extends GatewayEndpoint {
  /** Everything this gateway printed so far (stdout and stderr). */
  output(): string;
}

export function useGateway(vars?: GatewayVars): GatewayEndpoint;
export function useGateway(vars: GatewayVars, options: { own: true }): OwnGateway;
export function useGateway(vars: GatewayVars = {}, options: { own?: boolean } = {}): GatewayEndpoint | OwnGateway {
  let endpoint: GatewayEndpoint | undefined;
  let own: Gateway | undefined;
  let sharedKey: string | undefined;

  beforeAll(async () => {
    if (options.own) {
      endpoint = own = await startGateway({ vars });
      return;
    }
    const shared = await brokerCall<SharedGatewayEndpoint>("acquire", { vars: { AUTH_MODE: "open", CONNECT_RATE_LIMIT: "off", ...vars } });
    sharedKey = shared.key;
    endpoint = shared;
  });
  afterAll(async () => {
    if (own) await own.stop();
    if (sharedKey) await brokerCall("release", { key: sharedKey });
  });

  const current = (): GatewayEndpoint => {
    if (!endpoint) throw new Error("useGateway: the gateway is not started yet (use it inside tests or in hooks registered after useGateway)");
    return endpoint;
  };
  return {
    get port() {
      return current().port;
    },
    get httpUrl() {
      return current().httpUrl;
    },
    get wsUrl() {
      return current().wsUrl;
    },
    output() {
      if (!own) throw new Error("useGateway: a shared gateway's output mixes every file's; pass { own: true }");
      return own.output();
    },
  };
}

async function brokerCall<T>(path: "acquire" | "release", body: unknown): Promise<T> {
  const response = await fetch(`${inject("gatewayBrokerUrl")}/${path}`, { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`gateway broker ${path} failed: ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}
