import { defineConfig } from "vitest/config";

// Tests run in Node against the real gateway (wrangler dev → workerd) with real clients.
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/gateway/**/*.test.ts"],
    // One gateway per distinct var set, shared across files (test/helpers/use-gateway.ts).
    globalSetup: ["test/helpers/gateway-broker.ts"],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    maxWorkers: 2,
    reporters: ["default"],
  },
});
