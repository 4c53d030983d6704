/**
 * @module dev-vars
 * The vars, port and address `wrangler dev` will use, worked out the way wrangler does for the
 * common cases: `wrangler.toml` `[vars]` and `[dev]`, then `.dev.vars` (or, without it, `.env`
 * and `.env.local`), then the `--var NAME:value` arguments (the last one for a name wins), and
 * `--port` / `--ip`. `npm start` (start.mjs) checks these before launching wrangler and prints
 * its banner from them. What this does not model (`--env` sections, multi-line TOML values) is
 * still checked by the Worker itself when it loads (src/worker/startup.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

const DEFAULT_PORT = 8787;
const DEFAULT_IP = "localhost";

/** `[dev]` and `[vars]` of a wrangler.toml: `KEY = "string" | 'literal' | number | bool` lines. */
export function readTomlSections(text) {
  const sections = { dev: {}, vars: {} };
  let current;
  for (const rawLine of text.split("\n")) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header || line.startsWith("[[")) {
      current = header ? sections[header[1].trim()] : undefined;
      continue;
    }
    const entry = current && /^([A-Za-z0-9_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^#\s]+)\s*(?:#.*)?$/.exec(line);
    if (!entry) continue;
    const value = tomlScalar(entry[2]);
    if (value !== undefined) current[entry[1]] = value;
  }
  return sections;
}

function tomlScalar(text) {
  if (/^"(?:[^"\\]|\\.)*"$/.test(text)) return JSON.parse(text);
  if (/^'[^']*'$/.test(text)) return text.slice(1, -1);
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return undefined; // Arrays, inline tables, multi-line strings: left to the Worker's own check.
}

/** `--var A:1 B:2`, `--var=A:1`, `--port 9000`, `--port=9000`, `--ip 0.0.0.0` from wrangler dev's arguments. */
export function readDevArgs(args) {
  const vars = {};
  const options = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith("--") && args[i].includes("=") ? [args[i].slice(0, args[i].indexOf("=")), args[i].slice(args[i].indexOf("=") + 1)] : [args[i], undefined];
    if (flag === "--var") {
      const values = inline !== undefined ? [inline] : [];
      // wrangler's --var is an array option: it takes every following word up to the next flag.
      if (inline === undefined) while (i + 1 < args.length && !args[i + 1].startsWith("-")) values.push(args[++i]);
      for (const pair of values) {
        const colon = pair.indexOf(":");
        if (colon > 0) vars[pair.slice(0, colon)] = pair.slice(colon + 1);
      }
    } else if (flag === "--port" || flag === "--ip") {
      options[flag.slice(2)] = inline ?? args[++i];
    }
  }
  return { vars, options };
}

function readDotenv(projectRoot) {
  const devVars = join(projectRoot, ".dev.vars");
  if (existsSync(devVars)) return parseEnv(readFileSync(devVars, "utf8"));
  const merged = {};
  for (const name of [".env", ".env.local"]) {
    const path = join(projectRoot, name);
    if (existsSync(path)) Object.assign(merged, parseEnv(readFileSync(path, "utf8")));
  }
  return merged;
}

/** { vars, port, ip } as `wrangler dev <args>` in `projectRoot` will see them. */
export function effectiveDevSettings(projectRoot, args) {
  const toml = readTomlSections(readFileSync(join(projectRoot, "wrangler.toml"), "utf8"));
  const fromArgs = readDevArgs(args);
  const vars = { ...toml.vars, ...readDotenv(projectRoot), ...fromArgs.vars };
  const port = Number(fromArgs.options.port ?? toml.dev.port ?? DEFAULT_PORT);
  const ip = String(fromArgs.options.ip ?? toml.dev.ip ?? DEFAULT_IP);
  return { vars, port, ip };
}
