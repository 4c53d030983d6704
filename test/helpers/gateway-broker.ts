/**
 * @module gateway-broker
 * Vitest globalSetup: one gateway per distinct set of `[vars]`, shared by every test file that
 * asks for that set (see use-gateway.ts). Test files run in worker processes, so the broker is a
 * small HTTP server in the main vitest process: `POST /acquire` starts the gateway for a var set
 * (or reuses the running one) and answers its URLs; `POST /release` drops the file's reference.
 * A gateway nobody holds is stopped after `IDLE_STOP_MS`, so that files of the same set that run
 * one after another reuse it without keeping every var set's workerd alive for the whole run.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { TestProject } from "vitest/node";
import { startGateway, type Gateway } from "./gateway";

/** How long an unreferenced gateway stays up for the next file that asks for the same vars. */
const IDLE_STOP_MS = 20_000;

export type GatewayVars = Record<string, string | number>;

export interface SharedGatewayEndpoint {
  key: string;
  port: number;
  httpUrl: string;
  wsUrl: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the gateway broker (`http://127.0.0.1:port`). */
    gatewayBrokerUrl: string;
  }
}

interface Entry {
  started: Promise<Gateway>;
  holders: number;
  idleTimer?: NodeJS.Timeout;
}

/** The var set's identity: the same vars in any order name the same gateway. */
export function varsKey(vars: GatewayVars): string {
  return JSON.stringify(Object.entries(vars).map(([name, value]) => [name, String(value)]).sort(([a], [b]) => a!.localeCompare(b!)));
}

async function readJson(request: IncomingMessage): Promise<any> {
  let body = "";
  for await (const chunk of request) body += chunk;
  return JSON.parse(body);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const entries = new Map<string, Entry>();
  let starts = 0;
  let acquisitions = 0;

  const stopEntry = async (key: string, entry: Entry) => {
    entries.delete(key);
    clearTimeout(entry.idleTimer);
    const gateway = await entry.started.catch(() => undefined);
    await gateway?.stop();
  };

  const acquire = async (vars: GatewayVars): Promise<SharedGatewayEndpoint> => {
    const key = varsKey(vars);
    let entry = entries.get(key);
    if (!entry) {
      entry = { started: startGateway({ vars }), holders: 0 };
      starts++;
      entries.set(key, entry);
      // A failed start is not cached: the next file asking for these vars tries again.
      entry.started.catch(() => entries.get(key) === entry && entries.delete(key));
    }
    entry.holders++;
    acquisitions++;
    clearTimeout(entry.idleTimer);
    try {
      const gateway = await entry.started;
      return { key, port: gateway.port, httpUrl: gateway.httpUrl, wsUrl: gateway.wsUrl };
    } catch (error) {
      entry.holders--;
      throw error;
    }
  };

  const release = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entry.holders = Math.max(0, entry.holders - 1);
    if (entry.holders > 0) return;
    entry.idleTimer = setTimeout(() => {
      if (entries.get(key) === entry && entry.holders === 0) void stopEntry(key, entry);
    }, IDLE_STOP_MS);
  };

  const server: Server = createServer(async (request, response) => {
    try {
      const body = await readJson(request);
      if (request.url === "/acquire") {
        response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(await acquire(body.vars)));
      } else if (request.url === "/release") {
        release(body.key);
        response.writeHead(204).end();
      } else {
        response.writeHead(404).end();
      }
    } catch (error) {
      // The start failure (with the gateway's output) goes back to the test file that asked.
      response.writeHead(500, { "Content-Type": "text/plain" }).end(error instanceof Error ? error.message : String(error));
    }
  });
  await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", () => resolveListen()));
  const address = server.address();
  project.provide("gatewayBrokerUrl", `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);

  return async () => {
    server.close();
    // How much sharing the run got: fewer starts than acquisitions means files shared a gateway.
    if (acquisitions > 0) console.log(`gateway broker: ${starts} shared gateway start(s) for ${acquisitions} useGateway call(s)`);
    await Promise.all([...entries].map(([key, entry]) => stopEntry(key, entry)));
  };
}
