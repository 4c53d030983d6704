/**
 * @module deploy-build.test
 * Deploying the console's Worker with plain wrangler (`npx wrangler deploy -c
 * web/console-worker/wrangler.toml`, what `npm run deploy` runs first) must ship the web console
 * with its JavaScript: wrangler's own `[build]` step bundles it, so it does not depend on
 * `npm run deploy`'s predeploy script. Checked on a copy of the project that has never been built, so the suite's
 * own bundles (and the gateways serving them) are untouched.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT, tempDir } from "../../helpers/gateway";

const run = promisify(execFile);
const DEPLOY_TIMEOUT_MS = 60_000;

/** A copy of what `wrangler deploy` reads, without public/build and dist/, sharing node_modules. */
function unbuiltCopy(): string {
  const copy = tempDir("unbuilt");
  for (const file of ["wrangler.toml", "package.json", "tsconfig.json"]) cpSync(join(PROJECT_ROOT, file), join(copy, file));
  for (const dir of ["src", "web"]) cpSync(join(PROJECT_ROOT, dir), join(copy, dir), { recursive: true });
  cpSync(join(PROJECT_ROOT, "public"), join(copy, "public"), { recursive: true, filter: (source) => !source.startsWith(join(PROJECT_ROOT, "public", "build")) });
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(copy, "node_modules"));
  return copy;
}

describe("wrangler deploy of the console Worker on a never-built checkout", () => {
  it(
    "builds the console and quotes bundles before deploying",
    async () => {
      const copy = unbuiltCopy();
      expect(existsSync(join(copy, "public", "build"))).toBe(false);
      await run(join(copy, "node_modules/.bin/wrangler"), ["deploy", "-c", "web/console-worker/wrangler.toml", "--dry-run", "--outdir", join(copy, "out")], {
        cwd: copy,
        env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true" },
      });
      for (const bundle of ["console.js", "quotes.js"]) {
        const path = join(copy, "public", "build", bundle);
        expect(existsSync(path), `${bundle} after wrangler deploy`).toBe(true);
        expect(readFileSync(path, "utf8").length).toBeGreaterThan(1_000);
      }
      // index.html loads the bundle the build step wrote.
      expect(readFileSync(join(copy, "public", "index.html"), "utf8")).toContain("build/console.js");
    },
    DEPLOY_TIMEOUT_MS,
  );
});
