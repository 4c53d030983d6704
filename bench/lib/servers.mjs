/**
 * @module servers
 * Starts the two servers under test with `npx wrangler dev` (each in its own process group,
 * so every descendant — node, esbuild, both workerd processes — dies with one signal), waits
 * for readiness, finds the workerd process that runs the worker, and reads its RSS.
 * wrangler dev runs two workerd processes: a proxy on the public port, and the one that runs
 * the worker and its Durable Objects ("serving"); connections pass through both.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { KILL_GRACE_MS, READY_POLL_INTERVAL_MS, PUBLISHER_RATE_LIMIT_PER_SECOND, READY_POLL_REQUEST_TIMEOUT_MS, SERVER_READY_TIMEOUT_MS, WAIT_POLL_MS } from "./options.mjs";

/** Lines of a server's log shown when it fails to start. */
const LOG_TAIL_LINES = 30;
const HTTP_OK = 200;
const HTTP_NOT_FOUND = 404;
const VMRSS_FIELD = "VmRSS:";
/** Linux reports /proc/PID/stat CPU times in USER_HZ ticks, 100 per second on every supported architecture. */
const CLOCK_TICKS_PER_SECOND = 100;
const MS_PER_SECOND = 1000;
/** Fields of /proc/PID/stat after the command name: utime and stime are fields 14 and 15, i.e. 11 and 12 here. */
const STAT_UTIME_AFTER_COMM = 11;
const STAT_STIME_AFTER_COMM = 12;
/** What wrangler logs when a watched source file changed and it restarts the worker. */
const RELOAD_LOG_LINE = "Reloading local server";

/** The servers of one run: the gateway (`roomcast`) and the baseline (`bare`). */
export function serverDefinitions(root) {
  return [
    {
      name: "roomcast",
      args: (port, inspector, persistTo) => [
        "wrangler", "dev", "--port", port, "--inspector-port", inspector,
        "--var", "AUTH_MODE:open", "--var", `RATE_LIMIT_MESSAGES_PER_SECOND:${PUBLISHER_RATE_LIMIT_PER_SECOND}`,
        // hundreds of connections from one address in seconds: the per-IP upgrade limit (429) is for floods
        "--var", "CONNECT_RATE_LIMIT:off", "--persist-to", persistTo,
      ],
      readyPath: "/healthz",
      isReady: (status) => status === HTTP_OK,
    },
    {
      name: "bare",
      args: (port, inspector, persistTo) => [
        "wrangler", "dev", "-c", join(root, "bench/bare-relay/wrangler.toml"), "--port", port, "--inspector-port", inspector,
        "--persist-to", persistTo,
      ],
      readyPath: "/",
      isReady: (status) => status === HTTP_OK || status === HTTP_NOT_FOUND,
    },
  ];
}

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

/** Every server started in this process, so an exit handler can kill what is left. */
const running = new Set();

/** Spawns one server and resolves once it answers HTTP; throws (after killing it) on failure. */
export async function startServer(definition, root) {
  const [port, inspector] = [await freePort(), await freePort()];
  const workDir = mkdtempSync(join(tmpdir(), `roomcast-bench-${definition.name}-`));
  const logFile = join(workDir, "wrangler.log");
  const logFd = openSync(logFile, "a");
  const args = definition.args(String(port), String(inspector), join(workDir, "state"));
  const child = spawn("npx", args, {
    cwd: root,
    detached: true,
    stdio: ["ignore", logFd, logFd],
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
  });
  closeSync(logFd);
  const server = { name: definition.name, definition, port, child, workDir, logFile, command: `npx ${args.join(" ")}`, exited: false };
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

/** Resolves once the server answers its readiness probe (also used after a reload). */
export async function waitReady(server) {
  const { definition } = server;
  const deadline = Date.now() + SERVER_READY_TIMEOUT_MS;
  const url = `http://127.0.0.1:${server.port}${definition.readyPath}`;
  while (Date.now() < deadline) {
    if (server.exited) throw new Error(`${server.name} server exited during start-up:\n${logTail(server)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(READY_POLL_REQUEST_TIMEOUT_MS) });
      await response.arrayBuffer();
      if (definition.isReady(response.status)) return;
    } catch {
      // not listening yet
    }
    await sleep(READY_POLL_INTERVAL_MS);
  }
  throw new Error(`${server.name} server not ready after ${SERVER_READY_TIMEOUT_MS} ms (${url}):\n${logTail(server)}`);
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
  if (!running.has(server)) return;
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

function readProcStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const ppid = Number(stat.slice(close + 2).split(" ")[1]);
    return { pid, comm, ppid };
  } catch {
    return null; // exited meanwhile
  }
}

/** The workerd processes below the server's wrangler: `{ serving, proxy }` PIDs (proxy may be null). */
export function findWorkerdPids(server) {
  const all = readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number).map(readProcStat).filter(Boolean);
  const children = new Map();
  for (const proc of all) children.set(proc.ppid, [...(children.get(proc.ppid) ?? []), proc]);
  const workerds = [];
  const stack = [server.child.pid];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()) ?? []) {
      if (child.comm === "workerd") workerds.push(child.pid);
      stack.push(child.pid);
    }
  }
  const publicEntry = `entry=127.0.0.1:${server.port}`;
  const isProxy = (pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(publicEntry);
  const serving = workerds.filter((pid) => !isProxy(pid));
  if (serving.length !== 1) throw new Error(`${server.name}: expected one serving workerd below PID ${server.child.pid}, found [${serving}] of [${workerds}]`);
  return { serving: serving[0], proxy: workerds.find(isProxy) ?? null };
}

/** Resident set size of `pid` in KiB (/proc/PID/status VmRSS). */
export function rssKiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith(VMRSS_FIELD));
  if (!line) throw new Error(`no VmRSS for PID ${pid}`);
  return Number(line.split(/\s+/)[1]);
}

/** CPU time (user + system) `pid` has used so far, in milliseconds (10 ms resolution). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[STAT_UTIME_AFTER_COMM]) + Number(fields[STAT_STIME_AFTER_COMM]);
  return (ticks * MS_PER_SECOND) / CLOCK_TICKS_PER_SECOND;
}
