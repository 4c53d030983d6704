import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../src/shared/close-codes";
import { connect, expectClose } from "./helpers/clients";
import { PROJECT_ROOT, startGateway, tempDir } from "./helpers/gateway";

const run = promisify(execFile);

describe("npm start", () => {
  it("serves the gateway in open mode and passes extra arguments through to wrangler", async () => {
    const gateway = await startGateway({ viaNpmStart: true, vars: { MAX_CONNECTIONS_PER_ROOM: 1 } });
    try {
      const published = await fetch(`${gateway.httpUrl}/rooms/start/messages`, { method: "POST", body: '{"data":"no key needed"}', headers: { "Content-Type": "application/json" } });
      expect(published.status).toBe(202);
      const first = await connect(`${gateway.wsUrl}/rooms/start`);
      const second = await connect(`${gateway.wsUrl}/rooms/start`);
      expect((await expectClose(second, "second connection over MAX_CONNECTIONS_PER_ROOM=1")).code).toBe(CloseCode.tryAgainLater);
      first.close();
      expect(gateway.output()).not.toMatch(/fetch failed|ENOTFOUND|getaddrinfo/);
    } finally {
      await gateway.stop();
    }
  });
});

describe("wrangler deploy --dry-run", () => {
  it("builds the production bundle", async () => {
    const outdir = tempDir("bundle");
    await run(join(PROJECT_ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true" },
    });
    const files = readdirSync(outdir);
    expect(files).toContain("index.js");
    expect(existsSync(join(outdir, "index.js"))).toBe(true);
  });
});
