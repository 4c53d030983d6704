/**
 * @module gateway
 * Starts the real gateway (`wrangler dev`, workerd with local Durable Objects) on free ports
 * for one test file, and stops it with its whole process group — or crashes it: SIGKILL to its
 * workerd processes and everything else in the group, nothing flushed, nothing said.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const PROJECT_ROOT = resolve(import.meta.dirname, "../..");
const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 150;

export interface GatewayOptions {
  /** `[vars]` overrides passed as `--var NAME:value`. AUTH_MODE defaults to open. */
  vars?: Record<string, string | number>;
  /** State directory (`--persist-to`); a fresh temp dir when omitted. */
  persistTo?: string;
  /** Use `npm start -- …` (the README command) instead of calling wrangler directly. */
  viaNpmStart?: boolean;
  /** Listen on this port (a restart after `crash()` keeps the clients' URL); a free one when omitted. */
  port?: number;
}

export interface Gateway {
  port: number;
  httpUrl: string;
  wsUrl: string;
  persistTo: string;
  /** Everything the gateway printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
  /** kill -9: the workerd processes first, then the rest of the process group; resolves once gone. */
  crash(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `roomcast-${prefix}-`));
}

/** How often a start is retried when a port picked as free was taken meanwhile. */
const PORT_RACE_ATTEMPTS = 3;

/**
 * Starts a gateway on free ports. A port found free can be taken by another process (another
 * test file's gateway) before wrangler binds it; that start fails with "Address already in use"
 * and is retried on new ports, unless the caller asked for a fixed port.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      const portRace = error instanceof Error && error.message.includes("Address already in use");
      if (!portRace || options.port !== undefined || attempt >= PORT_RACE_ATTEMPTS) throw error;
    }
  }
}

/** The gateway and the console's assets-only Worker, as `npm start` runs them (scripts/start.mjs). */
const GATEWAY_CONFIG_ARGS = ["-c", "wrangler.toml", "-c", "web/console-worker/wrangler.toml"];

async function startOnce(options: GatewayOptions): Promise<Gateway> {
  const port = options.port ?? (await freePort());
  const inspectorPort = await freePort();
  const persistTo = options.persistTo ?? tempDir("state");
  const vars = { AUTH_MODE: "open", ...options.vars };
  const varArgs = Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const devArgs = ["--port", String(port), "--inspector-port", String(inspectorPort), "--persist-to", persistTo, "--log-level", "log", ...varArgs];
  const [command, args] = options.viaNpmStart
    ? ["npm", ["start", "--", ...devArgs]]
    : [join(PROJECT_ROOT, "node_modules/.bin/wrangler"), ["dev", ...GATEWAY_CONFIG_ARGS, ...devArgs]];
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    // X_LOCAL_OBSERVABILITY off: wrangler dev's local trace collector stores every invocation and
    // storage call in SQLite on the serving thread. No test reads it, and on this 2-core machine
    // it was more than half of the serving process's CPU per message (bench/README.md).
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", X_LOCAL_OBSERVABILITY: "false", NO_COLOR: "1", CI: "true" },
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const httpUrl = `http://127.0.0.1:${port}`;
  const gateway: Gateway = {
    port,
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}`,
    persistTo,
    output: () => output,
    stop: () => stopProcessGroup(child),
    crash: () => killProcessGroup(child),
  };
  try {
    await waitUntilReady(httpUrl, child, () => output);
  } catch (error) {
    await gateway.stop();
    throw error;
  }
  return gateway;
}

/**
 * Starts a gateway that must refuse to start (bad vars); resolves with what it printed (the start
 * error's message). Fails if it started after all.
 */
export async function refusedStart(options: GatewayOptions): Promise<string> {
  const refusal = await startGateway(options).then(
    async (gateway) => {
      await gateway.stop();
      return undefined;
    },
    (error: Error) => error.message,
  );
  if (refusal === undefined) throw new Error(`the gateway started with ${JSON.stringify(options.vars)}`);
  return refusal;
}

async function waitUntilReady(httpUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode} before serving:\n${output()}`);
    try {
      const response = await fetch(`${httpUrl}/healthz`);
      if (response.status === 200 || response.status === 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  throw new Error(`gateway did not answer /healthz within ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

/** Pids of the processes in process group `pgid` whose command is workerd (from /proc). */
function workerdPidsIn(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid pgrp …: comm may hold spaces, so split after its closing parenthesis.
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (comm === "workerd" && Number(fields[2]) === pgid) pids.push(Number(entry));
    } catch {
      // The process exited between readdir and read.
    }
  }
  return pids;
}

/** Whether `pid` exists and is not a zombie waiting to be reaped. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

async function killProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const workerds = workerdPidsIn(child.pid);
  for (const pid of workerds) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    return;
  }
  await exited;
  // The ports and state files are free only once every workerd is gone (not only wrangler).
  while (workerds.some(isRunning)) {
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
}
