/**
 * @module options
 * Benchmark profiles (full / `--quick`), command-line parsing and every tunable constant of
 * `npm run bench` in one place. Times are in milliseconds unless a name says otherwise.
 */

/** The full profile: what `npm run bench` runs (the figures; ~3–4 minutes). */
export const FULL_PROFILE = Object.freeze({
  subscribers: 500,
  throughputMessages: 200,
  latencyRatePerSecond: 40,
  latencyDurationMs: 5_000,
  rounds: 3,
});

/** `--quick`: a smoke run under a minute. */
export const QUICK_PROFILE = Object.freeze({
  subscribers: 100,
  throughputMessages: 50,
  latencyRatePerSecond: 40,
  latencyDurationMs: 2_000,
  rounds: 1,
});

/** roomcast's per-connection rate limit during the run (default 50/s would drop the publisher's frames). */
export const PUBLISHER_RATE_LIMIT_PER_SECOND = 1_000_000;
/** Bytes of every published payload (timestamp + ids, padded). */
export const PAYLOAD_BYTES = 64;
/** Child processes holding the subscribers (the machine has 2 cores; all processes share them). */
export const DEFAULT_LOAD_WORKERS = 4;
/** Sockets one load worker opens at once while connecting. */
export const CONNECT_CONCURRENCY_PER_WORKER = 25;
/** Connections opened (and kept open) before the memory baseline so lazy code paths are warm. */
export const MEMORY_WARM_CONNECTIONS = 20;
/** Idle wait after connecting before RSS is read, so the server has settled. */
export const MEMORY_SETTLE_MS = 2_000;
/** Warm-up before the measured rounds: a few subscribers and messages per target, discarded. */
export const WARMUP = Object.freeze({ subscribers: 20, throughputMessages: 50, latencyRatePerSecond: 40, latencyDurationMs: 500 });
/** Pause between connecting and publishing, and between scenarios. */
export const QUIET_MS = 300;

/** One socket's handshake must finish within this. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** Connecting all subscribers of one run must finish within this. */
export const CONNECT_ALL_TIMEOUT_MS = 60_000;
/** A scenario stops waiting once no delivery arrived for this long (the rest count as lost). */
export const DELIVERY_IDLE_TIMEOUT_MS = 5_000;
/** Hard ceiling for one scenario's deliveries; reaching it with nothing delivered fails the run. */
export const SCENARIO_TIMEOUT_MS = 90_000;
/** Closing every socket of one run must finish within this (stragglers are terminated). */
export const CLOSE_TIMEOUT_MS = 10_000;
/** A load worker must answer any command within this. */
export const WORKER_REPLY_TIMEOUT_MS = 15_000;
/** Worker progress reports while a scenario runs. */
export const PROGRESS_INTERVAL_MS = 250;
/** How often bounded wait loops (deliveries, process exits) look again. */
export const WAIT_POLL_MS = 50;

/** A wrangler dev server must answer HTTP within this after spawning. */
export const SERVER_READY_TIMEOUT_MS = 90_000;
/** Readiness poll interval, and the timeout of one poll request. */
export const READY_POLL_INTERVAL_MS = 300;
export const READY_POLL_REQUEST_TIMEOUT_MS = 2_000;
/** After SIGTERM to a server's process group, SIGKILL follows after this. */
export const KILL_GRACE_MS = 3_000;
/** The whole run is aborted (and every process killed) after this. */
export const RUN_TIMEOUT_MS = 10 * 60_000;

/** Goals from the issue, reported (never enforced): raw vs the bare relay. */
export const GOAL_MIN_THROUGHPUT_RATIO = 0.9;
export const GOAL_MAX_P99_RATIO = 1.2;
/** A note is printed when the latency scenario offers more than this share of a target's measured throughput. */
export const SATURATION_WARNING_FRACTION = 0.8;

/** The targets, in the order the table prints them. `server` names the process serving them. */
export const TARGETS = Object.freeze([
  { key: "raw", label: "roomcast raw", server: "roomcast", subprotocol: undefined },
  { key: "v1", label: "roomcast v1", server: "roomcast", subprotocol: "roomcast.v1" },
  { key: "bare", label: "bare relay", server: "bare", subprotocol: undefined },
]);

const USAGE = `usage: npm run bench [-- --quick] [--rounds N] [--subscribers N] [--messages N] [--rate N] [--workers N]
  --quick          ${QUICK_PROFILE.subscribers} subscribers, ${QUICK_PROFILE.throughputMessages} messages, 1 round (under a minute)
  --rounds N       measured rounds; targets alternate within each round (default ${FULL_PROFILE.rounds})
  --subscribers N  subscribers in the room (default ${FULL_PROFILE.subscribers})
  --messages N     messages in the throughput scenario (default ${FULL_PROFILE.throughputMessages})
  --rate N         messages/s in the latency scenario (default ${FULL_PROFILE.latencyRatePerSecond})
  --workers N      load-generator child processes (default ${DEFAULT_LOAD_WORKERS})`;

/** Most subscribers one run may ask for: the process file limit is 20,000 open files. */
const MAX_SUBSCRIBERS = 5_000;
const MAX_ROUNDS = 20;
const MAX_WORKERS = 16;
const MAX_MESSAGES = 100_000;
const MAX_RATE_PER_SECOND = 1_000;

function positiveInt(flag, value, max) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${flag} must be a whole number from 1 to ${max} (got ${value})`);
  return n;
}

/** Parses `process.argv.slice(2)` into the options of one run; throws with usage on bad input. */
export function parseOptions(argv) {
  const quick = argv.includes("--quick");
  const options = { ...(quick ? QUICK_PROFILE : FULL_PROFILE), quick, workers: DEFAULT_LOAD_WORKERS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--quick") continue;
    if (flag === "--help" || flag === "-h") throw new Error(USAGE);
    const value = argv[++i];
    if (flag === "--rounds") options.rounds = positiveInt(flag, value, MAX_ROUNDS);
    else if (flag === "--subscribers") options.subscribers = positiveInt(flag, value, MAX_SUBSCRIBERS);
    else if (flag === "--messages") options.throughputMessages = positiveInt(flag, value, MAX_MESSAGES);
    else if (flag === "--rate") options.latencyRatePerSecond = positiveInt(flag, value, MAX_RATE_PER_SECOND);
    else if (flag === "--workers") options.workers = positiveInt(flag, value, MAX_WORKERS);
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  return options;
}
