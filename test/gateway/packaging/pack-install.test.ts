/**
 * @module pack-install.test
 * The package as a user gets it: `npm pack` (which builds dist/ through `prepack`) into a temp
 * dir, a fresh project that installs the tarball (its runtime dependencies from npm's cache, or
 * the registry), then, under plain Node 22 (the `node` devDependency), the examples of
 * docs/server-sdk.md run as written against a real gateway in token mode: the token endpoint
 * mints a token, the client quick start connects with it, the server quick start publishes and
 * the client receives; the error, ticket and webhook examples print what the doc says (the error
 * example under Bun too, the repo's `bun` devDependency). Both entry
 * points also bundle with esbuild (browser for the client, neutral for the server) and type-check
 * from their declarations under `nodenext` and `bundler` resolution.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { signWebhook } from "../../../src/shared/webhook-signature";
import { PROJECT_ROOT, freePort, tempDir } from "../../helpers/gateway";
import { pointedAt, readmeCodeBlock, runNodeSnippet, type SnippetRun } from "../../helpers/readme-snippets";
import { API_KEY, JWT_SECRET, tokenModeVars } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";

const run = promisify(execFile);
const DOC = "docs/server-sdk.md";
const NODE_22 = join(PROJECT_ROOT, "node_modules/node/bin/node");
const BUN = join(PROJECT_ROOT, "node_modules/.bin/bun");
const TSC = join(PROJECT_ROOT, "node_modules/typescript/bin/tsc");
const PACK_INSTALL_TIMEOUT_MS = 90_000;
const SNIPPET_WAIT_MS = 15_000;
const WEBHOOK_SECRET = "pack-install-webhook-secret";
const TOKEN_ENDPOINT_ADDRESS = "127.0.0.1:3000";
/** Where the doc's examples reach the gateway (`npm start`). */
const GATEWAY_ADDRESS = "127.0.0.1:8787";

interface Installed {
  app: string;
  /** Paths inside the tarball. */
  files: string[];
}

/** `npm pack` the checkout into a temp dir and install the tarball into a fresh project there. */
async function packAndInstall(): Promise<Installed> {
  const dir = tempDir("pack");
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const app = join(dir, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "fresh-app", version: "1.0.0", private: true, type: "module" }));
  // The tarball's dependencies come from npm's cache when it has them, else from the registry.
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock", join(dir, packed!.filename)], { cwd: app });
  return { app, files: packed!.files.map((file) => file.path) };
}

describe("roomcast packed, installed in a fresh project", () => {
  // Packing and installing run while the gateway starts (hooks run in order; this one only starts).
  let installing: Promise<Installed>;
  beforeAll(() => {
    installing = packAndInstall();
    installing.catch(() => undefined); // awaited (and reported) by the first test that needs it
  });
  const gateway = useGateway(tokenModeVars, { own: true });
  const running: SnippetRun[] = [];
  afterEach(async () => {
    for (const snippet of running.splice(0)) await snippet.stop();
  });

  async function docSnippet(name: string, marker: string, env: Record<string, string> = {}, replace: Record<string, string> = {}, runtime = NODE_22): Promise<SnippetRun> {
    const { app } = await installing;
    const block = readmeCodeBlock(marker, DOC);
    // Receivers (webhooks) never talk to the gateway: only snippets that do are pointed at it.
    let code = block.includes(GATEWAY_ADDRESS) ? pointedAt(block, gateway.port) : block;
    for (const [from, to] of Object.entries(replace)) code = code.replaceAll(from, to);
    const snippet = runNodeSnippet(name, code, {
      projectDir: app,
      runtime,
      env: { ROOMCAST_API_KEY: API_KEY, ROOMCAST_JWT_SECRET: JWT_SECRET, WEBHOOK_SECRET, ...env },
    });
    running.push(snippet);
    return snippet;
  }

  it("ships the two bundles, their declarations and the doc, and no sources", async () => {
    const { files } = await installing;
    expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", DOC, "dist/client/index.js", "dist/server/index.js", "dist/types/client/index.d.ts", "dist/types/server/index.d.ts"]));
    expect(files.filter((file) => !file.startsWith("dist/") && !["package.json", "README.md", "LICENSE", DOC].includes(file))).toEqual([]);
  }, PACK_INSTALL_TIMEOUT_MS);

  it("docs: token endpoint → client quick start connects with its token; server quick start publishes, the client receives", async () => {
    const tokenPort = await freePort();
    const endpoint = await docSnippet("token-endpoint", "token endpoint listening", { PORT: String(tokenPort) });
    await endpoint.waitForOutput(/token endpoint listening/, "the token endpoint listens", SNIPPET_WAIT_MS);
    const client = await docSnippet("client", 'room: "lobby",', {}, { [TOKEN_ENDPOINT_ADDRESS]: `127.0.0.1:${tokenPort}` });
    await client.waitForOutput(/^state open/m, "the client connected with a minted token", SNIPPET_WAIT_MS);

    const server = await docSnippet("server", "hello from the backend");
    expect(await server.waitForExit("the server quick start ran", SNIPPET_WAIT_MS)).toBe(0);
    expect(server.stderr()).toBe("");
    expect(server.stdout().trim().split("\n")).toEqual([
      expect.stringMatching(/^published 1 [0-9a-f-]{36}$/),
      "batch 1 2",
      'history {"text":"hello from the backend"}',
      "connections 1",
    ]);
    await client.waitForOutput(/^message 1 chat \{"text":"hello from the backend"\}$/m, "the client received the publish", SNIPPET_WAIT_MS);
    expect(client.stderr()).toBe("");
  }, PACK_INSTALL_TIMEOUT_MS);

  it("docs: the error example prints the typed 404 (under Node 22 and Bun); the ticket example gets both tickets", async () => {
    for (const [runtime, name] of [
      [NODE_22, "errors"],
      [BUN, "errors-bun"],
    ] as const) {
      const errors = await docSnippet(name, "refused 404 not_found", {}, {}, runtime);
      expect(await errors.waitForExit(`the error example ran (${name})`, SNIPPET_WAIT_MS)).toBe(0);
      expect(errors.stdout().trim()).toBe("refused 404 not_found");
    }
    const tickets = await docSnippet("tickets", "requestTicket(");
    expect(await tickets.waitForExit("the ticket example ran", SNIPPET_WAIT_MS)).toBe(0);
    expect(tickets.stderr()).toBe("");
    expect(tickets.stdout().trim()).toMatch(/^tickets until \S+Z \S+Z$/);
  }, PACK_INSTALL_TIMEOUT_MS);

  it("docs: both webhook receivers accept a signed request and refuse a tampered one", async () => {
    const body = JSON.stringify({ events: [{ id: "ev-9", type: "room_occupied", room: "lobby", n: 1, ts: Date.now(), connections: 1, users: 1 }] });
    const signed = await signWebhook(WEBHOOK_SECRET, body, Date.now() / 1000);
    const tampered = body.replace('"connections":1', '"connections":9');

    const port = await freePort();
    const receiver = await docSnippet("webhook-node", "webhook receiver listening", { PORT: String(port) });
    await receiver.waitForOutput(/webhook receiver listening/, "the receiver listens", SNIPPET_WAIT_MS);
    const post = (text: string) => fetch(`http://127.0.0.1:${port}/`, { method: "POST", headers: signed, body: text });
    expect((await post(body)).status).toBe(204);
    expect((await post(tampered)).status).toBe(401);
    await receiver.waitForOutput(/^refused bad_signature$/m, "the tampered request refused", SNIPPET_WAIT_MS);
    expect(receiver.stdout().split("\n")[1]).toBe("room_occupied lobby 1");

    // The fetch-handler example is a module: a Node harness imports it and calls its fetch.
    const { app } = await installing;
    writeFileSync(join(app, "webhook-worker.mjs"), readmeCodeBlock("export default {", DOC));
    const harness = `
      import worker from "./webhook-worker.mjs";
      const env = { WEBHOOK_SECRET: process.env.WEBHOOK_SECRET };
      const headers = ${JSON.stringify(signed)};
      for (const body of ${JSON.stringify([body, tampered])}) {
        const response = await worker.fetch(new Request("https://backend.example/hooks", { method: "POST", headers, body }), env);
        console.log("status", response.status, await response.text());
      }`;
    const worker = runNodeSnippet("webhook-worker-harness", harness, { projectDir: app, runtime: NODE_22, env: { WEBHOOK_SECRET } });
    running.push(worker);
    expect(await worker.waitForExit("the fetch handler ran", SNIPPET_WAIT_MS)).toBe(0);
    expect(worker.stdout().trim().split("\n")).toEqual(["room_occupied lobby 1", "status 204 ", "status 401 bad_signature"]);
  }, PACK_INSTALL_TIMEOUT_MS);

  it("esbuild bundles the client for browsers and the server SDK for a neutral runtime; the server bundle runs", async () => {
    const { app } = await installing;
    const client = await build({
      stdin: { contents: 'import { RoomClient } from "roomcast/client";\nnew RoomClient({ url: location.origin, room: "lobby" });', resolveDir: app },
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
    });
    expect(client.outputFiles[0]!.text).toContain("roomcast.v1");
    const server = await build({
      stdin: {
        contents: 'import { RoomcastServer } from "roomcast/server";\nconst server = new RoomcastServer({ url: "https://gateway.example", jwtSecret: "s" });\nconsole.log((await server.mintToken({ sub: "a", rooms: ["*"] })).split(".").length);',
        resolveDir: app,
      },
      bundle: true,
      platform: "neutral",
      format: "esm",
      outfile: join(app, "server-bundle.mjs"),
      logLevel: "silent",
    });
    expect(server.errors).toEqual([]);
    // Bundled: jose is inside, nothing is imported at run time.
    expect(readFileSync(join(app, "server-bundle.mjs"), "utf8")).not.toMatch(/^import .* from/m);
    const { stdout } = await run(NODE_22, [join(app, "server-bundle.mjs")]);
    expect(stdout.trim()).toBe("3");
  }, PACK_INSTALL_TIMEOUT_MS);

  it("TypeScript finds and checks the declarations of both entry points (nodenext and bundler resolution)", async () => {
    const { app } = await installing;
    writeFileSync(
      join(app, "check.ts"),
      `import { RoomClient, type RoomMessage } from "roomcast/client";
import { RoomcastError, RoomcastServer, verifyWebhook, type RoomInfo, type WebhookBody } from "roomcast/server";
const server = new RoomcastServer({ url: "https://gateway.example", apiKey: "k" });
export const published: Promise<{ seq: number; id: string }> = server.publish("lobby", { text: "hi" });
export const info: Promise<RoomInfo> = server.info("lobby");
export const hooks: Promise<WebhookBody> = verifyWebhook(new Request("https://x"), "secret");
export const status = (error: RoomcastError): number => error.status;
const client = new RoomClient({ url: "wss://gateway.example", room: "lobby" });
client.on("message", (message: RoomMessage) => console.log(message.seq));
// @ts-expect-error: a room name is required (the declarations are real types, not any)
server.publish();
`,
    );
    const strict = { target: "es2022", lib: ["es2022", "dom"], strict: true, noEmit: true, skipLibCheck: false, types: [] };
    for (const resolution of [{ module: "nodenext", moduleResolution: "nodenext" }, { module: "esnext", moduleResolution: "bundler" }]) {
      writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...strict, ...resolution }, files: ["check.ts"] }));
      const result = await run(NODE_22, [TSC, "-p", join(app, "tsconfig.json")], { cwd: app }).catch((error: { stdout: string }) => error);
      expect(result.stdout, `tsc with ${resolution.moduleResolution}`).toBe("");
    }
  }, PACK_INSTALL_TIMEOUT_MS);
});
