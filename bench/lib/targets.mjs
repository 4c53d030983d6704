/**
 * @module targets
 * What `npm run bench` compares: the servers it starts (three `wrangler dev` workers in the
 * same workerd, a Node `ws` process, a Bun process) and the targets measured on them — a
 * target is a server, a URL shape, a wire mode and a room-name prefix that selects a roomcast
 * policy (ROOM_POLICIES: `batch-*` batches v1 frames, `shard-*` spans several objects).
 */
import { join } from "node:path";
import { BATCH_MS, BENCH_SHARDS, PUBLISHER_RATE_LIMIT_PER_SECOND, ROOM_POLICIES } from "./options.mjs";

export const V1_SUBPROTOCOL = "roomcast.v1";

/**
 * The targets, in the order tables and the chart show them. `short` heads the terminal columns.
 * `ingest` says how an ingest publisher learns its message landed: "echo" (connects with
 * `?echo=1` and sees its own frame come back in room order) or "ack" (v1 publish with an `id`);
 * targets without it skip the ingest scenario.
 */
export const TARGETS = Object.freeze([
  { key: "raw", label: "roomcast raw", short: "rc raw", server: "roomcast", mode: "raw", roomPrefix: "", ingest: "echo" },
  { key: "v1", label: "roomcast v1", short: "rc v1", server: "roomcast", mode: "v1", roomPrefix: "", ingest: "ack" },
  { key: "batch", label: `roomcast v1 batchMs=${BATCH_MS}`, short: `rc v1 b${BATCH_MS}`, server: "roomcast", mode: "v1", roomPrefix: "batch-", ingest: "ack" },
  { key: "shard", label: `roomcast raw ${BENCH_SHARDS} shards`, short: `rc ${BENCH_SHARDS}-shard`, server: "roomcast", mode: "raw", roomPrefix: "shard-", ingest: "echo" },
  { key: "bare", label: "bare DO relay", short: "bare DO", server: "bare", mode: "raw", roomPrefix: "", ingest: "echo" },
  { key: "party", label: "partyserver", short: "partysrv", server: "partyserver", mode: "raw", roomPrefix: "" },
  { key: "ws", label: "Node ws", short: "node ws", server: "ws", mode: "raw", roomPrefix: "" },
  { key: "bun", label: "Bun pub/sub", short: "bun", server: "bun", mode: "raw", roomPrefix: "" },
]);
export const TARGET_KEYS = TARGETS.map((t) => t.key);
export const BASELINE_KEY = "bare";

/** The subprotocol a target's clients offer (none in raw mode). */
export const subprotocolOf = (target) => (target.mode === "v1" ? V1_SUBPROTOCOL : undefined);

/** `/rooms/:room` everywhere but partyserver, which routes `/parties/:party/:room`. */
const ROOM_PATH = (room) => `/rooms/${room}`;
const PARTY_PATH = (room) => `/parties/relay/${room}`;

/**
 * The servers of one run. `wrangler` servers are `npx wrangler dev` process groups (proxy +
 * serving workerd); `process` servers are one process. `roomcastDir` is where the gateway's
 * wrangler.toml lives (a snapshot of HEAD, or the working tree with --worktree); it runs with the
 * console's assets-only Worker beside it, as `npm start` does.
 */
export function serverDefinitions(root, roomcastDir) {
  return [
    {
      name: "roomcast",
      kind: "wrangler",
      cwd: roomcastDir,
      roomPath: ROOM_PATH,
      args: (port, inspector, persistTo) => [
        "wrangler", "dev", "-c", "wrangler.toml", "-c", "web/console-worker/wrangler.toml", "--port", port, "--inspector-port", inspector,
        "--var", "AUTH_MODE:open", "--var", `RATE_LIMIT_MESSAGES_PER_SECOND:${PUBLISHER_RATE_LIMIT_PER_SECOND}`,
        // hundreds of connections from one address in seconds: the per-IP upgrade limit (429) is for floods
        "--var", "CONNECT_RATE_LIMIT:off", "--var", `ROOM_POLICIES:${JSON.stringify(ROOM_POLICIES)}`,
        // the baselines log nothing per connection; roomcast's default is a JSON line per connect/close
        "--var", "LOG_LEVEL:error",
        "--persist-to", persistTo,
      ],
    },
    {
      name: "bare",
      kind: "wrangler",
      cwd: root,
      roomPath: ROOM_PATH,
      args: (port, inspector, persistTo) => ["wrangler", "dev", "-c", join(root, "bench/bare-relay/wrangler.toml"), "--port", port, "--inspector-port", inspector, "--persist-to", persistTo],
    },
    {
      name: "partyserver",
      kind: "wrangler",
      cwd: root,
      roomPath: PARTY_PATH,
      args: (port, inspector, persistTo) => ["wrangler", "dev", "-c", join(root, "bench/partyserver-relay/wrangler.toml"), "--port", port, "--inspector-port", inspector, "--persist-to", persistTo],
    },
    {
      name: "ws",
      kind: "process",
      cwd: root,
      roomPath: ROOM_PATH,
      // process.execPath: the Node 22 that `npm run` put first on PATH, the same as the load generator's
      command: (port) => [process.execPath, join(root, "bench/ws-server.mjs"), port],
    },
    {
      name: "bun",
      kind: "process",
      cwd: root,
      roomPath: ROOM_PATH,
      command: (port) => [join(root, "node_modules/.bin/bun"), join(root, "bench/bun-server.mjs"), port],
    },
  ];
}

/** The server definitions the chosen targets need. */
export function definitionsFor(targets, definitions) {
  const needed = new Set(targets.map((t) => t.server));
  return definitions.filter((d) => needed.has(d.name));
}
