/**
 * @module servers
 * Starts the servers under test, each in its own process group (so every descendant — npx,
 * node, esbuild, both workerd — dies with one signal), waits until each accepts a WebSocket,
 * and finds where clients connect and which process serves them. For `wrangler dev` servers
 * clients go straight to the serving workerd's entry socket (found by probing its listening
 * ports), skipping wrangler's proxy workerd, so every target — workerd, Node, Bun — is one hop.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { KILL_GRACE_MS, READY_POLL_INTERVAL_MS, READY_PROBE_TIMEOUT_MS, SERVER_READY_TIMEOUT_MS, WAIT_POLL_MS } from "./options.mjs";
import { findWorkerdPids, listeningPorts } from "./procfs.mjs";

/** Lines of a server's log shown when it fails. */
const LOG_TAIL_LINES = 30;
/** What wrangler logs when a watched source file changed and it restarts the worker. */
const RELOAD_LOG_LINE = "Reloading local server";
const PROBE_ROOM = "bench-probe";

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true once a WebSocket to `url` opens within READY_PROBE_TIMEOUT_MS, false otherwise. */
export function probeWebSocket(url) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { handshakeTimeout: READY_PROBE_TIMEOUT_MS, perMessageDeflate: false });
    const timer = setTimeout(() => finish(false), READY_PROBE_TIMEOUT_MS);
    function finish(ok) {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on("error", () => {});
      ws.terminate();
      resolve(ok);
    }
    ws.once("open", () => finish(true));
    ws.once("error", () => finish(false));
  });
}

/** Every server started in this process, so an exit handler can kill what is left. */
const running = new Set();

/**
 * Spawns one server and resolves once clients can connect; throws (after killing it) on failure.
 * `localObservability` false (the default) turns off wrangler dev's local trace collector
 * (X_LOCAL_OBSERVABILITY): a development feature, absent in production, that records every
 * invocation and storage call into a SQLite store on the serving thread (bench/README.md).
 */
export async function startServer(definition, { viaProxy, localObservability = false }) {
  const [port, inspector] = [await freePort(), await freePort()];
  const workDir = mkdtempSync(join(tmpdir(), `roomcast-bench-${definition.name}-`));
  const logFile = join(workDir, "server.log");
  const logFd = openSync(logFile, "a");
  const [file, ...args] = definition.kind === "wrangler" ? ["npx", ...definition.args(String(port), String(inspector), join(workDir, "state"))] : definition.command(String(port));
  const child = spawn(file, args, {
    cwd: definition.cwd,
    detached: true,
    stdio: ["ignore", logFd, logFd],
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", X_LOCAL_OBSERVABILITY: String(localObservability) },
  });
  closeSync(logFd);
  const server = { name: definition.name, definition, port, child, workDir, logFile, command: [file, ...args].join(" "), exited: false, viaProxy };
  child.once("exit", () => (server.exited = true));
  running.add(server);
  try {
    await waitReady(server);
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  return server;
}

/** Resolves once the server accepts a WebSocket, then finds its serving PID and connect port (also after a reload). */
export async function waitReady(server) {
  const url = `ws://127.0.0.1:${server.port}${server.definition.roomPath(PROBE_ROOM)}`;
  const deadline = Date.now() + SERVER_READY_TIMEOUT_MS;
  for (;;) {
    if (server.exited) throw new Error(`${server.name} server exited during start-up:\n${logTail(server)}`);
    if (await probeWebSocket(url)) break;
    if (Date.now() > deadline) throw new Error(`${server.name} server accepted no WebSocket within ${SERVER_READY_TIMEOUT_MS} ms (${url}):\n${logTail(server)}`);
    await sleep(READY_POLL_INTERVAL_MS);
  }
  if (server.definition.kind !== "wrangler") {
    server.pids = { serving: server.child.pid, proxy: null };
    server.connectPort = server.port;
    return;
  }
  server.pids = findWorkerdPids(server.child.pid, server.port, server.name);
  server.connectPort = server.viaProxy ? server.port : await entryPort(server);
}

/** The serving workerd's own entry socket: the first listening port (in descriptor order) that accepts the probe WebSocket. */
async function entryPort(server) {
  const ports = listeningPorts(server.pids.serving);
  for (const port of ports) {
    if (await probeWebSocket(`ws://127.0.0.1:${port}${server.definition.roomPath(PROBE_ROOM)}`)) return port;
  }
  throw new Error(`${server.name}: none of the serving workerd's ports [${ports}] accepts a WebSocket (use --via-proxy)`);
}

/** Where a target's clients connect for `room`. */
export function roomUrl(server, room) {
  return `ws://127.0.0.1:${server.connectPort}${server.definition.roomPath(room)}`;
}

function logTail(server) {
  try {
    return readFileSync(server.logFile, "utf8").trimEnd().split("\n").slice(-LOG_TAIL_LINES).join("\n");
  } catch {
    return "(no log)";
  }
}

/** How often wrangler restarted the worker because a watched file changed. */
export function reloadCount(server) {
  if (server.definition.kind !== "wrangler") return 0;
  try {
    return readFileSync(server.logFile, "utf8").split(RELOAD_LOG_LINE).length - 1;
  } catch {
    return 0;
  }
}

/**
 * SIGTERM to the server's process group, SIGKILL after a grace period; removes its temp dir,
 * except the log when `keepLog` (returns the log's path then).
 */
export async function stopServer(server, { keepLog = false } = {}) {
  if (!running.has(server)) return null;
  signalGroup(server, "SIGTERM");
  const deadline = Date.now() + KILL_GRACE_MS;
  while (!server.exited && Date.now() < deadline) await sleep(WAIT_POLL_MS);
  // workerd may outlive the wrangler node process: always finish the whole group.
  signalGroup(server, "SIGKILL");
  const killDeadline = Date.now() + KILL_GRACE_MS;
  while (groupAlive(server) && Date.now() < killDeadline) await sleep(WAIT_POLL_MS);
  running.delete(server);
  rmSync(keepLog ? join(server.workDir, "state") : server.workDir, { recursive: true, force: true });
  return keepLog ? server.logFile : null;
}

function signalGroup(server, signal) {
  try {
    process.kill(-server.child.pid, signal);
  } catch {
    // group already gone
  }
}

function groupAlive(server) {
  try {
    process.kill(-server.child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Synchronous last resort for `process.on("exit")`: SIGKILL every server group still running. */
export function killAllServersNow() {
  for (const server of running) {
    signalGroup(server, "SIGKILL");
    rmSync(server.workDir, { recursive: true, force: true });
  }
  running.clear();
}

/** Entry point of a bench script: exits 0 when `main` resolves; on a failure prints it, kills every server and exits 1. */
export function runThenExit(main) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      killAllServersNow();
      process.exit(1);
    },
  );
}
