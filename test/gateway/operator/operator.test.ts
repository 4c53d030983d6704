import { describe, expect, it } from "vitest";
import { startGateway } from "../../helpers/gateway";

/** Starts a gateway that is expected to refuse; returns what it printed (from the helper's error). */
async function refusedStart(vars: Record<string, string>, viaNpmStart = false): Promise<string> {
  const started = await startGateway({ vars, viaNpmStart }).then(
    async (gateway) => {
      await gateway.stop();
      return undefined;
    },
    (error: Error) => error.message,
  );
  if (started === undefined) throw new Error(`the gateway started with ${JSON.stringify(vars)}`);
  return started;
}

describe("a bad [vars] value stops the gateway at start", () => {
  it("wrangler dev exits before serving, naming the setting and the problem", async () => {
    const output = await refusedStart({ MAX_MESSAGE_BYTES: "lots", API_KEY: "operator-secret-key-5521" });
    expect(output).toMatch(/exited with 1 before serving/);
    expect(output).toContain('"event":"config_error","setting":"MAX_MESSAGE_BYTES"');
    expect(output).toContain("invalid configuration: MAX_MESSAGE_BYTES: must be a whole number from 1 to");
    expect(output).not.toMatch(/Ready on/);
    expect(output).not.toContain("operator-secret-key-5521");
  });

  it("covers the transports' setting too (TRANSPORT_HEARTBEAT_SECONDS)", async () => {
    const output = await refusedStart({ TRANSPORT_HEARTBEAT_SECONDS: "0" });
    expect(output).toContain("TRANSPORT_HEARTBEAT_SECONDS: must be a whole number from 1 to");
    expect(output).not.toMatch(/Ready on/);
  });
});
