import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { connect, expectClose } from "../../helpers/clients";
import { PROJECT_ROOT, refusedStart, startGateway, tempDir } from "../../helpers/gateway";
import { waitUntil } from "../../helpers/sdk";

const run = promisify(execFile);

describe("npm start", () => {
  it("serves the gateway in open mode, passes extra arguments through to wrangler and prints a banner", async () => {
    const gateway = await startGateway({ viaNpmStart: true, vars: { MAX_CONNECTIONS_PER_ROOM: 1 } });
    try {
      const published = await fetch(`${gateway.httpUrl}/rooms/start/messages`, { method: "POST", body: '{"data":"no key needed"}', headers: { "Content-Type": "application/json" } });
      expect(published.status).toBe(202);
      const first = await connect(`${gateway.wsUrl}/rooms/start`);
      const second = await connect(`${gateway.wsUrl}/rooms/start`);
      expect((await expectClose(second, "second connection over MAX_CONNECTIONS_PER_ROOM=1")).code).toBe(CloseCode.tryAgainLater);
      first.close();
      await waitUntil(() => gateway.output().includes("roomcast is running"), "the start banner", 10_000, gateway.output);
      expect(gateway.output()).toMatch(/auth mode: open/);
      expect(gateway.output()).toContain(`console:   http://127.0.0.1:${gateway.port}/`);
      expect(gateway.output()).not.toMatch(/warning:/);
      expect(gateway.output()).not.toMatch(/fetch failed|ENOTFOUND|getaddrinfo/);
    } finally {
      await gateway.stop();
    }
  });

  it("refuses a bad --var before launching wrangler, naming the setting and the problem", async () => {
    const failure = await refusedStart({ viaNpmStart: true, vars: { RATE_LIMIT_MESSAGES_PER_SECOND: "fast" } });
    expect(failure).toMatch(/exited with 1 before serving/);
    expect(failure).toContain('RATE_LIMIT_MESSAGES_PER_SECOND: must be a whole number from 1 to 1000000, got "fast"');
    expect(failure).not.toMatch(/Ready on|Starting local server/);
  });

  it("warns in the banner when token mode has no JWT_SECRET or API_KEY", async () => {
    // Empty values override any local .dev.vars, so the test sees no secret whatever the machine has.
    const gateway = await startGateway({ viaNpmStart: true, vars: { AUTH_MODE: "token", JWT_SECRET: "", API_KEY: "" } });
    try {
      await waitUntil(() => gateway.output().includes("roomcast is running"), "the start banner", 10_000, gateway.output);
      const output = gateway.output();
      expect(output).toMatch(/auth mode: token/);
      expect(output).toMatch(/warning: +AUTH_MODE=token without JWT_SECRET/);
      expect(output).toMatch(/warning: +AUTH_MODE=token without API_KEY/);
      expect((await fetch(`${gateway.httpUrl}/rooms/start/info`)).status).toBe(401);
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
