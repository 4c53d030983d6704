/**
 * @module results
 * Where a run's results go — bench/results/<timestamp>.json plus `latest.json`, `latest.svg`
 * (chart) and `latest.md` (tables for the README); `--scale` writes `scale-…` files — the
 * machine and runtime facts stored with them, and the one-line progress indicator on stderr.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import { nowMs } from "./payload.mjs";
import { round } from "./stats.mjs";

const BYTES_PER_MIB = 1024 * 1024;
const VERSION_PROBE_TIMEOUT_MS = 10_000;
const JSON_INDENT = 2;
const FIGURE_DECIMALS = 2;
const MS_PER_SECOND = 1000;

function probeVersion(file, args) {
  try {
    return execFileSync(file, args, { encoding: "utf8", timeout: VERSION_PROBE_TIMEOUT_MS, stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

const packageVersion = (root, name) => {
  try {
    return JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
};

/** Machine and runtime facts stored with every result. */
export function machineInfo(root) {
  const cpuList = cpus();
  return {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? null,
    totalMemoryMiB: Math.round(totalmem() / BYTES_PER_MIB),
    loadAverageAtEnd: loadavg().map((n) => round(n, FIGURE_DECIMALS)),
    platform: `${process.platform} ${release()}`,
    node: process.version,
    workerd: probeVersion(join(root, "node_modules/.bin/workerd"), ["--version"]),
    bun: probeVersion(join(root, "node_modules/.bin/bun"), ["--version"]),
    wrangler: packageVersion(root, "wrangler"),
    partyserver: packageVersion(root, "partyserver"),
    ws: packageVersion(root, "ws"),
  };
}

/**
 * Writes `<prefix><timestamp>.json` and `<prefix>latest.json`, plus `<prefix>latest.<ext>` for
 * every extra `{ ext: text }`; returns the paths written.
 */
export function writeResults(resultsDir, document, { prefix = "", extras = {} } = {}) {
  mkdirSync(resultsDir, { recursive: true });
  const stamp = document.startedAt.replace(/[:.]/g, "-");
  const text = `${JSON.stringify(document, null, JSON_INDENT)}\n`;
  const files = [join(resultsDir, `${prefix}${stamp}.json`), join(resultsDir, `${prefix}latest.json`)];
  for (const file of files) writeFileSync(file, text);
  for (const [ext, body] of Object.entries(extras)) {
    const file = join(resultsDir, `${prefix}latest.${ext}`);
    writeFileSync(file, body);
    files.push(file);
  }
  return files;
}

/** A progress line on stderr with the run's elapsed time: rewritten in place on a terminal, one line per phase otherwise. */
export function createProgress(stream = process.stderr) {
  let phase = "";
  const startedAt = nowMs();
  const elapsed = () => `${Math.round((nowMs() - startedAt) / MS_PER_SECOND)}s`;
  const write = (text) => (stream.isTTY ? stream.write(`\r\x1b[K${text}`) : stream.write(`${text}\n`));
  return {
    phase(text) {
      phase = text;
      write(`[${elapsed()}] ${text}`);
    },
    count(received, expected) {
      if (stream.isTTY) stream.write(`\r\x1b[K[${elapsed()}] ${phase} ${received.toLocaleString("en-US")}/${expected.toLocaleString("en-US")}`);
    },
    done() {
      if (stream.isTTY) stream.write("\r\x1b[K");
    },
  };
}
