import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readDevArgs, readTomlSections } from "../../scripts/dev-vars.mjs";
import { checkConfig } from "../../src/config-check";
import { PROJECT_ROOT } from "../helpers/gateway";

describe("npm start's view of wrangler dev's settings", () => {
  it("reads --var the way wrangler does: several words after one flag, =form, the last one wins, colons kept in values", () => {
    const { vars, options } = readDevArgs(["--var", "AUTH_MODE:open", "--port", "9000", "--var", "A:1", "B:x:y", "--var=AUTH_MODE:token", "--ip=0.0.0.0", "--persist-to", "./state"]);
    expect(vars).toEqual({ AUTH_MODE: "token", A: "1", B: "x:y" });
    expect(options).toEqual({ port: "9000", ip: "0.0.0.0" });
  });

  it("reads [vars] and [dev] of the project's wrangler.toml, and they pass the check", () => {
    const toml = readTomlSections(readFileSync(join(PROJECT_ROOT, "wrangler.toml"), "utf8"));
    expect(toml.vars).toMatchObject({ AUTH_MODE: "token", MAX_MESSAGE_BYTES: "65536" });
    expect(toml.dev).toEqual({ ip: "127.0.0.1", port: 8787 });
    expect(checkConfig(toml.vars).ok).toBe(true);
  });

  it("reads strings, literals, numbers and trailing comments; skips arrays and other sections", () => {
    const toml = readTomlSections('name = "x"\n[vars]\nA = "a # not a comment"  # comment\nB = \'lit\'\nC = 5\nD = ["x"]\n[[migrations]]\ntag = "v1"\n');
    expect(toml.vars).toEqual({ A: "a # not a comment", B: "lit", C: 5 });
  });
});

describe("checkConfig", () => {
  it("names the setting and the problem", () => {
    expect(checkConfig({ MAX_MESSAGE_BYTES: "lots" })).toEqual({ ok: false, setting: "MAX_MESSAGE_BYTES", problem: expect.stringMatching(/^must be a whole number from 1 to \d+, got "lots"$/) });
    expect(checkConfig({ TRANSPORT_HEARTBEAT_SECONDS: "0" })).toMatchObject({ ok: false, setting: "TRANSPORT_HEARTBEAT_SECONDS" });
  });

  it("warns about token mode without JWT_SECRET or API_KEY, and not otherwise", () => {
    const bare = checkConfig({ AUTH_MODE: "token" });
    expect(bare.ok && bare.warnings.join("\n")).toMatch(/without JWT_SECRET[\s\S]*without API_KEY/);
    const keyOnly = checkConfig({ AUTH_MODE: "token", API_KEY: "k" });
    expect(keyOnly.ok && keyOnly.warnings).toEqual([expect.stringMatching(/without JWT_SECRET/)]);
    expect(checkConfig({ AUTH_MODE: "token", API_KEY: "k", JWT_SECRET: "s" })).toMatchObject({ ok: true, warnings: [] });
    expect(checkConfig({ AUTH_MODE: "open" })).toMatchObject({ ok: true, warnings: [] });
  });
});
