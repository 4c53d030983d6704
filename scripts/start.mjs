/**
 * @module start
 * `npm start [-- wrangler dev args]`: the local gateway in AUTH_MODE=open (a later
 * `--var AUTH_MODE:token` overrides it). Before launching `wrangler dev` it checks the vars
 * wrangler will pass (dev-vars.mjs) with the Worker's own validation (src/config-check.ts,
 * bundled on the fly), so a bad value is printed with its setting and stops here instead of a
 * server answering 500. Once the gateway answers, it prints a banner: auth mode, console URL,
 * and warnings (token mode without JWT_SECRET / API_KEY). Every argument goes to wrangler dev.
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { effectiveDevSettings } from "./dev-vars.mjs";

const PROJECT_ROOT = resolve(import.meta.dirname, "..");
/** What `npm start` runs in unless told otherwise (README "Run it locally"). */
const DEFAULT_ARGS = ["--var", "AUTH_MODE:open"];
/** The gateway, then the console's assets-only Worker (its CONSOLE service binding), in one `wrangler dev`. */
const CONFIG_ARGS = ["-c", "wrangler.toml", "-c", "web/console-worker/wrangler.toml"];
const READY_POLL_MS = 250;
/** Exit status for "refused to start": the config is wrong, nothing was launched. */
const EXIT_BAD_CONFIG = 1;

async function loadConfigCheck() {
  const bundled = await build({
    entryPoints: [join(PROJECT_ROOT, "src/config-check.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent",
  });
  const source = bundled.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(source).toString("base64")}`);
}

/** Where a browser on this machine reaches the server (a wildcard listen address is not one). */
function localHost(ip) {
  return ip === "0.0.0.0" || ip === "*" || ip === "::" ? "127.0.0.1" : ip;
}

function banner(settings, config, warnings) {
  const host = localHost(settings.ip);
  const mode = config.authMode === "open" ? "open (no credentials checked: local use only)" : "token (JWT connections, API key or admin token for the HTTP API)";
  const lines = ["", "roomcast is running", `  auth mode: ${mode}`, `  console:   http://${host}:${settings.port}/`];
  for (const warning of warnings) lines.push(`  warning:   ${warning}`);
  return `${lines.join("\n")}\n`;
}

async function waitUntilServing(url, child) {
  while (child.exitCode === null && child.signalCode === null) {
    try {
      if ((await fetch(url)).status === 200) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  return false;
}

async function main() {
  const args = [...DEFAULT_ARGS, ...process.argv.slice(2)];
  const settings = effectiveDevSettings(PROJECT_ROOT, args);
  const { checkConfig } = await loadConfigCheck();
  const check = checkConfig(settings.vars);
  if (!check.ok) {
    process.stderr.write(`roomcast: not starting, a setting is invalid:\n  ${check.setting}: ${check.problem}\n  (from wrangler.toml [vars], .dev.vars or a --var argument)\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
  const child = spawn(join(PROJECT_ROOT, "node_modules/.bin/wrangler"), ["dev", ...(args.some((arg) => arg === "-c" || arg === "--config" || arg.startsWith("--config=")) ? [] : CONFIG_ARGS), ...args], {
    cwd: PROJECT_ROOT,
    stdio: "inherit",
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
  });
  // Ctrl-C and SIGTERM reach wrangler too; wait for it to stop its runtime before exiting.
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.exitCode === null && child.kill(signal));
  let served = false;
  child.on("exit", (code, signal) => {
    if (!served && code !== 0) process.stderr.write(`roomcast: wrangler dev stopped (${signal ?? `exit ${code}`}) before serving; the reason is above.\n`);
    process.exit(code ?? 1);
  });
  const healthz = `http://${localHost(settings.ip)}:${settings.port}/healthz`;
  served = await waitUntilServing(healthz, child);
  if (served) process.stdout.write(banner(settings, check.config, check.warnings));
}

await main();
