import { describe, expect, it } from "vitest";
import { refusedStart } from "../../helpers/gateway";

describe("a bad [vars] value stops the gateway at start", () => {
  it("wrangler dev exits before serving, naming the setting and the problem", async () => {
    const output = await refusedStart({ vars: { MAX_MESSAGE_BYTES: "lots", API_KEY: "operator-secret-key-5521" } });
    expect(output).toMatch(/exited with 1 before serving/);
    expect(output).toContain('"event":"config_error","setting":"MAX_MESSAGE_BYTES"');
    expect(output).toContain("invalid configuration: MAX_MESSAGE_BYTES: must be a whole number from 1 to");
    expect(output).not.toMatch(/Ready on/);
    expect(output).not.toContain("operator-secret-key-5521");
  });

  it("covers the transports' setting too (TRANSPORT_HEARTBEAT_SECONDS)", async () => {
    const output = await refusedStart({ vars: { TRANSPORT_HEARTBEAT_SECONDS: "0" } });
    expect(output).toContain("TRANSPORT_HEARTBEAT_SECONDS: must be a whole number from 1 to");
    expect(output).not.toMatch(/Ready on/);
  });
});
