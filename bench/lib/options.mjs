/**
 * @module options
 * Benchmark profiles (full, `--quick`, `--scale`), command-line parsing and every tunable
 * constant of `npm run bench` in one place. Times are in milliseconds unless a name says otherwise.
 */

/** The full profile: what `npm run bench` runs (~15 minutes on 2 cores). */
export const FULL_PROFILE = Object.freeze({
  subscribers: 500,
  throughputMessages: 200,
  /** Fan-out latency runs: the rate (saturates this machine), then one that does not. */
  latencyRatesPerSecond: [40, 10],
  latencyDurationMs: 4_000,
  /**
   * Each paced run sends at least this many messages (longer than latencyDurationMs at low rates).
   * A message's deliveries share its hiccups, so a run's p99 rests on how many messages it sent:
   * 40 at 10 msg/s left it to one or two of them (issue 11's p99 swung 0.85–1.5× bare between runs).
   */
  latencyMinMessages: 100,
  chatClients: 50,
  chatRatePerSecond: 2,
  chatDurationMs: 4_000,
  /** Idle connections added per memory step; one step per round, never closed in between. */
  memoryConnections: 500,
  /** Ingest: publishers into one room (closed loop, INGEST_WINDOW unconfirmed each) and one subscriber. */
  ingestPublishers: 8,
  ingestMessagesPerPublisher: 1_000,
  /** Batch publish: `POST /publish` requests of BATCH_PUBLISH_ENTRIES for one room; single-message POSTs as the baseline. */
  batchRequests: 60,
  singleRequests: 600,
  rounds: 3,
});

/** `--quick`: every target once, small rooms, short runs (under 2 minutes). */
export const QUICK_PROFILE = Object.freeze({
  subscribers: 100,
  throughputMessages: 50,
  latencyRatesPerSecond: [40, 10],
  latencyDurationMs: 1_000,
  latencyMinMessages: 20,
  chatClients: 20,
  chatRatePerSecond: 2,
  chatDurationMs: 1_500,
  memoryConnections: 100,
  ingestPublishers: 8,
  ingestMessagesPerPublisher: 150,
  batchRequests: 12,
  singleRequests: 150,
  rounds: 1,
});

/** `--scale`: one sharded roomcast room, as many connections as the serving process may hold. */
export const SCALE_PROFILE = Object.freeze({
  shards: 8,
  /**
   * Connections attempted at most. The serving workerd's open-files limit stops it first: workerd
   * holds two descriptors per WebSocket, so 20,000 files are ~9,950 connections.
   */
  maxConnections: 19_900,
  /** Connections opened per step, between RSS readings. */
  stepConnections: 2_500,
  /** HTTP publishes to the full room, each counted at every client. */
  publishes: 5,
  workers: 8,
});

/** Warm-up before the measured rounds: a few subscribers and messages per target, discarded. */
export const WARMUP = Object.freeze({ subscribers: 20, throughputMessages: 50, latencyRatesPerSecond: [40], latencyDurationMs: 500, latencyMinMessages: 0, chatClients: 0, ingestPublishers: 2, ingestMessagesPerPublisher: 50, batchRequests: 2, singleRequests: 10 });
/** Ingest: most unconfirmed messages per publisher (the closed loop). */
export const INGEST_WINDOW = 64;
/** Entries in one `POST /publish` request (the most the API takes). */
export const BATCH_PUBLISH_ENTRIES = 100;
/** HTTP requests in flight at once in the batch-publish scenario (keep-alive connections). */
export const HTTP_CONCURRENCY = 4;
/** One HTTP request must be answered within this. */
export const HTTP_REQUEST_TIMEOUT_MS = 30_000;

/** roomcast's per-connection rate limit during the run (default 50/s would drop the publisher's frames). */
export const PUBLISHER_RATE_LIMIT_PER_SECOND = 1_000_000;
/** Room-name patterns the gateway is started with (docs/protocol.md §8), matched by the targets' room prefixes. */
export const BATCH_MS = 20;
export const BENCH_SHARDS = 4;
export const ROOM_POLICIES = [
  { match: "batch-*", batchMs: BATCH_MS },
  { match: "shard-*", shards: BENCH_SHARDS },
  { match: "scale-*", shards: SCALE_PROFILE.shards, maxConnections: 100_000 },
];
/** Bytes of every published payload (timestamp + ids, padded). */
export const PAYLOAD_BYTES = 64;
/** Child processes holding the clients (the machine has 2 cores; all processes share them). */
export const DEFAULT_LOAD_WORKERS = 4;
/** Sockets one load worker opens at once: normal connects, and the connect storm. */
export const CONNECT_CONCURRENCY_PER_WORKER = 25;
export const STORM_CONCURRENCY_PER_WORKER = 50;
/** Load worker i connects from 127.0.0.(base + i): each source address has its own ~28,000 ports. */
export const LOCAL_ADDRESS_BASE = 2;
/** Connections opened (and kept open) per target before the memory baseline so lazy code paths are warm. */
export const MEMORY_WARM_CONNECTIONS = 20;
/** Idle wait after connecting before RSS is read, so the server has settled. */
export const MEMORY_SETTLE_MS = 2_000;
export const QUICK_MEMORY_SETTLE_MS = 1_000;
/** Pause between connecting and publishing, and between scenarios. */
export const QUIET_MS = 300;
/**
 * Before each connect storm and paced latency run the serving process must be quiet (quiet.mjs):
 * at most this share of one core over the last QUIET_WINDOW_MS, polled every QUIET_POLL_MS
 * (/proc's CPU times tick in 10 ms), waiting at most QUIET_MAX_WAIT_MS.
 */
export const QUIET_CPU_SHARE = 0.05;
export const QUIET_WINDOW_MS = 500;
export const QUIET_POLL_MS = 100;
export const QUIET_MAX_WAIT_MS = 15_000;

/** One socket's handshake must finish within this. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** Connecting all clients of one step must finish within this. */
export const CONNECT_ALL_TIMEOUT_MS = 120_000;
/** A scenario stops waiting once no delivery arrived for this long (the rest count as lost). */
export const DELIVERY_IDLE_TIMEOUT_MS = 5_000;
/** Hard ceiling for one scenario's deliveries; reaching it with nothing delivered fails the run. */
export const SCENARIO_TIMEOUT_MS = 90_000;
/** Closing every socket of one group must finish within this (stragglers are terminated). */
export const CLOSE_TIMEOUT_MS = 10_000;
/** A load worker must answer any command within this (plus the command's own duration). */
export const WORKER_REPLY_TIMEOUT_MS = 15_000;
/** Worker progress reports while a scenario runs. */
export const PROGRESS_INTERVAL_MS = 250;
/** How often bounded wait loops (deliveries, process exits) look again. */
export const WAIT_POLL_MS = 50;

/** A server must accept a WebSocket within this after spawning. */
export const SERVER_READY_TIMEOUT_MS = 120_000;
/** Readiness poll interval, and the timeout of one probe. */
export const READY_POLL_INTERVAL_MS = 300;
export const READY_PROBE_TIMEOUT_MS = 2_000;
/** After SIGTERM to a server's process group, SIGKILL follows after this. */
export const KILL_GRACE_MS = 3_000;
/** The whole run is aborted (and every process killed) after this. */
export const RUN_TIMEOUT_MS = 40 * 60_000;
export const QUICK_RUN_TIMEOUT_MS = 5 * 60_000;
/** File descriptors the scale run leaves free in the serving workerd (HTTP publishes, storage, logs). */
export const SCALE_FD_RESERVE = 60;

/** Goals from issues 6 and 11, reported (never enforced). */
export const GOALS = Object.freeze({
  rawVsBareFanout: 0.9,
  v1VsBareFanout: 0.85,
  rawVsBareIngest: 0.9,
  vsBareConnects: 0.8,
  v1VsBareIdleMemory: 1.3,
  /** msgs/s: 10× the 803 msgs/s issue 11 measured for 100-entry `POST /publish` before group commit. */
  batchPublishMessagesPerSecond: 8_030,
  batchVsBareMessages: 3,
  rawVsPartyserverFanout: 1.3,
  rawVsBareP99: 1.2,
  rawVsBareIdleMemory: 1.1,
});
/** A note is printed when a latency run offers more than this share of a target's measured throughput. */
export const SATURATION_WARNING_FRACTION = 0.8;

const USAGE = `usage: npm run bench [-- --quick | --scale] [--rounds N] [--subscribers N] [--messages N] [--rate N] [--low-rate N]
                     [--targets a,b,…] [--workers N] [--publishers N] [--worktree] [--via-proxy] [--local-observability] [--connections N]
  --quick          every target once: ${QUICK_PROFILE.subscribers} subscribers, ${QUICK_PROFILE.throughputMessages} messages, 1 round (under 2 minutes)
  --scale          only the scale scenario: one ${SCALE_PROFILE.shards}-shard room, connections until the serving process's file limit
  --rounds N       measured rounds; targets alternate within each round (default ${FULL_PROFILE.rounds})
  --subscribers N  subscribers in the fan-out room (default ${FULL_PROFILE.subscribers})
  --messages N     messages in the throughput burst (default ${FULL_PROFILE.throughputMessages})
  --rate N         fan-out latency rate, msg/s (default ${FULL_PROFILE.latencyRatesPerSecond[0]}); --low-rate N the second one (default ${FULL_PROFILE.latencyRatesPerSecond[1]})
  --targets list   a subset of target keys (the bare relay is always added)
  --publishers N   ingest publishers into one room (default ${FULL_PROFILE.ingestPublishers})
  --workers N      load-generator child processes (default ${DEFAULT_LOAD_WORKERS}, ${SCALE_PROFILE.workers} with --scale)
  --worktree       serve roomcast from the working tree (reloads on edits) instead of a snapshot of HEAD
  --via-proxy      connect through wrangler's proxy workerd instead of straight to the serving workerd
  --local-observability  keep wrangler dev's local trace collector on (its default; off here: bench/README.md)
  --connections N  --scale: most connections to attempt (default ${SCALE_PROFILE.maxConnections})`;

/** Most subscribers a comparison run may ask for (memory steps hold rounds × N per target). */
const MAX_SUBSCRIBERS = 2_000;
const MAX_SCALE_CONNECTIONS = 60_000;
const MAX_ROUNDS = 20;
const MAX_WORKERS = 32;
const MAX_MESSAGES = 100_000;
const MAX_RATE_PER_SECOND = 1_000;
const MAX_INGEST_PUBLISHERS = 64;

function positiveInt(flag, value, max) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${flag} must be a whole number from 1 to ${max} (got ${value})`);
  return n;
}

/** Parses `process.argv.slice(2)` into the options of one run; throws with usage on bad input. */
export function parseOptions(argv, targetKeys) {
  const quick = argv.includes("--quick");
  const scale = argv.includes("--scale");
  if (quick && scale) throw new Error(`--quick and --scale do not go together\n${USAGE}`);
  const options = {
    ...(quick ? QUICK_PROFILE : FULL_PROFILE),
    latencyRatesPerSecond: [...(quick ? QUICK_PROFILE : FULL_PROFILE).latencyRatesPerSecond],
    quick, scale, worktree: false, viaProxy: false, localObservability: false, targets: null,
    workers: scale ? SCALE_PROFILE.workers : DEFAULT_LOAD_WORKERS,
    scaleConnections: SCALE_PROFILE.maxConnections,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--quick" || flag === "--scale") continue;
    if (flag === "--worktree") { options.worktree = true; continue; }
    if (flag === "--via-proxy") { options.viaProxy = true; continue; }
    if (flag === "--local-observability") { options.localObservability = true; continue; }
    if (flag === "--help" || flag === "-h") throw new Error(USAGE);
    const value = argv[++i];
    if (flag === "--rounds") options.rounds = positiveInt(flag, value, MAX_ROUNDS);
    else if (flag === "--subscribers") options.subscribers = options.memoryConnections = positiveInt(flag, value, MAX_SUBSCRIBERS);
    else if (flag === "--messages") options.throughputMessages = positiveInt(flag, value, MAX_MESSAGES);
    else if (flag === "--rate") options.latencyRatesPerSecond[0] = positiveInt(flag, value, MAX_RATE_PER_SECOND);
    else if (flag === "--low-rate") options.latencyRatesPerSecond[1] = positiveInt(flag, value, MAX_RATE_PER_SECOND);
    else if (flag === "--publishers") options.ingestPublishers = positiveInt(flag, value, MAX_INGEST_PUBLISHERS);
    else if (flag === "--workers") options.workers = positiveInt(flag, value, MAX_WORKERS);
    else if (flag === "--connections") options.scaleConnections = positiveInt(flag, value, MAX_SCALE_CONNECTIONS);
    else if (flag === "--targets") {
      const keys = String(value ?? "").split(",").filter(Boolean);
      const unknown = keys.find((key) => !targetKeys.includes(key));
      if (unknown || keys.length === 0) throw new Error(`--targets takes keys from ${targetKeys.join(",")} (got ${value})`);
      options.targets = [...new Set([...keys, "bare"])];
    } else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  return options;
}
