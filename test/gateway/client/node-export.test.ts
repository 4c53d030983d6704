/**
 * @module node-export.test
 * The package export `roomcast/client` (dist/client/index.js, built by `npm run build`) runs in a
 * plain Node ≥ 22 process — no bundler, no `ws`, only Node's global WebSocket — and receives a
 * message from the real gateway.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../helpers/gateway";
import { useGateway } from "../../helpers/use-gateway";
import { publishHttp } from "../../helpers/http-api";
import { waitUntil } from "../../helpers/sdk";

const ROOM = "node-export";
const EXIT_WAIT_MS = 10_000;

/** What an app would write: import the package by name, print what it sees, close on the first message. */
const APP = `
import { RoomClient } from "roomcast/client";
const client = new RoomClient({ url: process.env.GATEWAY_URL, room: "${ROOM}" });
client.on("state", (change) => console.log("state", change.state));
client.on("message", (message) => { console.log("message", JSON.stringify(message.data)); client.close(); });
`;

describe("roomcast/client in plain Node", () => {
  const gateway = useGateway();

  it("imports the built package export by name, connects with the global WebSocket and receives a message", async () => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", APP], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, GATEWAY_URL: gateway.wsUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      await waitUntil(() => output.includes("state open"), "the Node app connected", undefined, () => output);
      await publishHttp(gateway.httpUrl, ROOM, { from: "http" });
      await waitUntil(() => child.exitCode !== null, "the Node app exited after its first message", EXIT_WAIT_MS, () => output);
    } finally {
      child.kill();
    }
    expect(await exited).toBe(0);
    expect(output.trim().split("\n")).toEqual(["state connecting", "state open", 'message {"from":"http"}', "state closed"]);
  });
});
