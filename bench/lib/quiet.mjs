/**
 * @module quiet
 * Waits until a server's serving process is quiet before a measured scenario starts. Targets
 * share servers (roomcast raw, v1, batch and shards are one workerd) and take turns in a
 * rotating order, so without this a scenario could start while the same process still works
 * off the previous target's tail (sockets closing, occupancy reports, the queue consumer, the
 * HTTP publish rounds) and be charged for it. Every target waits by the same rule; the wait is
 * recorded with the scenario.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { QUIET_CPU_SHARE, QUIET_MAX_WAIT_MS, QUIET_MS, QUIET_POLL_MS, QUIET_WINDOW_MS } from "./options.mjs";
import { cpuMs } from "./procfs.mjs";

/**
 * Resolves once `pid` used at most QUIET_CPU_SHARE of one core over the last QUIET_WINDOW_MS
 * (never sooner than QUIET_MS), or after QUIET_MAX_WAIT_MS. Returns how long it waited and
 * whether the process was quiet by then.
 */
export async function waitQuiet(pid) {
  const started = performance.now();
  const samples = [{ at: started, cpu: cpuMs(pid) }];
  for (;;) {
    await sleep(QUIET_POLL_MS);
    const now = performance.now();
    samples.push({ at: now, cpu: cpuMs(pid) });
    while (samples.length > 2 && now - samples[1].at >= QUIET_WINDOW_MS) samples.shift();
    const first = samples[0];
    const window = now - first.at;
    const waited = now - started;
    const quiet = window >= QUIET_WINDOW_MS && samples.at(-1).cpu - first.cpu <= QUIET_CPU_SHARE * window;
    if ((quiet && waited >= QUIET_MS) || waited >= QUIET_MAX_WAIT_MS) return { waitedMs: Math.round(waited), quiet };
  }
}
