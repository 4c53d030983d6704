/**
 * @module procfs
 * What the benchmark reads about server processes from Linux /proc: the workerd processes
 * below a wrangler process group (the proxy on the public port, the one that serves the
 * worker), resident memory, CPU time per process and per thread, listening TCP ports, open
 * file descriptors and the open-files limit.
 */
import { readFileSync, readdirSync, readlinkSync } from "node:fs";

const VMRSS_FIELD = "VmRSS:";
/** Linux reports /proc/PID/stat CPU times in USER_HZ ticks, 100 per second on every supported architecture. */
const CLOCK_TICKS_PER_SECOND = 100;
const MS_PER_SECOND = 1000;
/** Fields of /proc/PID/stat after the command name: utime and stime are fields 14 and 15, i.e. 11 and 12 here. */
const STAT_UTIME_AFTER_COMM = 11;
const STAT_STIME_AFTER_COMM = 12;
/** /proc/net/tcp: state 0A is LISTEN; addresses are hex `IP:PORT`. */
const TCP_LISTEN_STATE = "0A";
const HEX = 16;
const SOCKET_LINK = /^socket:\[(\d+)\]$/;
const OPEN_FILES_LIMIT_LINE = /^Max open files\s+(\d+)/m;

function readStat(path) {
  try {
    const stat = readFileSync(path, "utf8");
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    const ticks = Number(fields[STAT_UTIME_AFTER_COMM]) + Number(fields[STAT_STIME_AFTER_COMM]);
    return { comm: stat.slice(stat.indexOf("(") + 1, close), ppid: Number(fields[1]), cpuMs: (ticks * MS_PER_SECOND) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return null; // exited meanwhile
  }
}

/** The workerd processes below `rootPid`: `{ serving, proxy }` (the proxy listens on `publicPort`). */
export function findWorkerdPids(rootPid, publicPort, name) {
  const all = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).map(Number).map((pid) => ({ pid, ...readStat(`/proc/${pid}/stat`) })).filter((p) => p.comm);
  const children = new Map();
  for (const proc of all) children.set(proc.ppid, [...(children.get(proc.ppid) ?? []), proc]);
  const workerds = [];
  const stack = [rootPid];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()) ?? []) {
      if (child.comm === "workerd") workerds.push(child.pid);
      stack.push(child.pid);
    }
  }
  const publicEntry = `entry=127.0.0.1:${publicPort}`;
  const isProxy = (pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(publicEntry);
  const serving = workerds.filter((pid) => !isProxy(pid));
  if (serving.length !== 1) throw new Error(`${name}: expected one serving workerd below PID ${rootPid}, found [${serving}] of [${workerds}]`);
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
  const stat = readStat(`/proc/${pid}/stat`);
  if (!stat) throw new Error(`PID ${pid} is gone`);
  return stat.cpuMs;
}

/** CPU time per thread of `pid`: `{ tid: { name, ms } }`. */
export function threadCpuMs(pid) {
  const threads = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readStat(`/proc/${pid}/task/${tid}/stat`);
    if (stat) threads[tid] = { name: stat.comm, ms: stat.cpuMs };
  }
  return threads;
}

/** Per-thread CPU between two `threadCpuMs` snapshots, busiest first (threads that did nothing left out). */
export function threadCpuDelta(before, after) {
  return Object.entries(after)
    .map(([tid, { name, ms }]) => ({ tid: Number(tid), name, ms: ms - (before[tid]?.ms ?? 0) }))
    .filter((t) => t.ms > 0)
    .sort((a, b) => b.ms - a.ms);
}

/** inode → lowest fd number, for every socket `pid` holds. */
function socketInodes(pid) {
  const inodes = new Map();
  for (const fd of readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b)) {
    try {
      const match = SOCKET_LINK.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match && !inodes.has(match[1])) inodes.set(match[1], fd);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** TCP ports `pid` listens on (IPv4), in the order it opened them (lowest descriptor first). */
export function listeningPorts(pid) {
  const inodes = socketInodes(pid);
  const ports = [];
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== TCP_LISTEN_STATE || !inodes.has(fields[9])) continue;
    ports.push({ port: parseInt(fields[1].split(":")[1], HEX), fd: inodes.get(fields[9]) });
  }
  return ports.sort((a, b) => a.fd - b.fd).map((p) => p.port);
}

/** Whether `pid` still runs. */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** File descriptors `pid` holds open now. */
export function openFileCount(pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The open-files limit (RLIMIT_NOFILE, soft) of `pid`. */
export function openFilesLimit(pid) {
  const match = OPEN_FILES_LIMIT_LINE.exec(readFileSync(`/proc/${pid}/limits`, "utf8"));
  if (!match) throw new Error(`no open-files limit for PID ${pid}`);
  return Number(match[1]);
}
