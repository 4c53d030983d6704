/**
 * @module readme-snippets
 * Takes code blocks out of README.md (or a doc under docs/) exactly as a newcomer would copy them
 * and runs them: Node snippets as `.mjs` files inside the project (so `roomcast/client`, `ws`,
 * `@stomp/stompjs` and `sockjs-client` resolve as they would in an app) or inside another project
 * (a fresh one with the packed package installed), with the README's `127.0.0.1:8787` pointed at
 * the test's gateway. Nothing else in the snippet is changed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_WAIT_MS } from "./clients";
import { PROJECT_ROOT } from "./gateway";
import { waitUntil } from "./sdk";

const README_ADDRESS = "127.0.0.1:8787";
const SNIPPET_DIR = join(PROJECT_ROOT, "test-results", "readme-snippets");
const STOP_GRACE_MS = 2_000;

/** The one fenced code block of README.md (or `file`) that contains `marker` (fails if none or several do). */
export function readmeCodeBlock(marker: string, file = "README.md"): string {
  const readme = readFileSync(join(PROJECT_ROOT, file), "utf8");
  const blocks = [...readme.matchAll(/^```[\w-]*\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
  const matching = blocks.filter((code) => code.includes(marker));
  if (matching.length !== 1) throw new Error(`${file} has ${matching.length} code blocks containing ${JSON.stringify(marker)}, expected exactly 1`);
  return matching[0]!;
}

/** The snippet with the README's local gateway address replaced by the test gateway's port. */
export function pointedAt(code: string, port: number): string {
  if (!code.includes(README_ADDRESS)) throw new Error(`snippet does not mention ${README_ADDRESS}`);
  return code.replaceAll(README_ADDRESS, `127.0.0.1:${port}`);
}

export interface SnippetRun {
  stdout(): string;
  stderr(): string;
  /** Waits until stdout matches; fails at once, with the output, if the snippet exits first. */
  waitForOutput(pattern: RegExp, what: string, timeoutMs?: number): Promise<void>;
  /** Waits until the snippet exits by itself; resolves with its exit code. */
  waitForExit(what: string, timeoutMs?: number): Promise<number | null>;
  stop(): Promise<void>;
}

export interface SnippetOptions {
  /** The project to run in (imports resolve from its node_modules); the roomcast checkout by default. */
  projectDir?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** The binary that runs the file (a node, or bun); the Node that runs the tests by default. */
  runtime?: string;
}

/** Runs `code` as an ES module with the same Node that runs the tests (or `options.runtime`). */
export function runNodeSnippet(name: string, code: string, options: SnippetOptions = {}): SnippetRun {
  const dir = options.projectDir ?? SNIPPET_DIR;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, code);
  const child = spawn(options.runtime ?? process.execPath, [file], {
    cwd: options.projectDir ?? PROJECT_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const describeOutput = () => `exit ${child.exitCode ?? "-"}; stdout: ${stdout || "(none)"}; stderr: ${stderr || "(none)"}`;
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    async waitForOutput(pattern, what, timeoutMs = DEFAULT_WAIT_MS) {
      await waitUntil(
        () => {
          if (pattern.test(stdout)) return true;
          if (child.exitCode !== null) throw new Error(`snippet ${name} exited before ${what}: ${describeOutput()}`);
          return false;
        },
        `snippet ${name}: ${what}`,
        timeoutMs,
        describeOutput,
      );
    },
    async waitForExit(what, timeoutMs = DEFAULT_WAIT_MS) {
      await waitUntil(() => child.exitCode !== null || child.signalCode !== null, `snippet ${name}: ${what}`, timeoutMs, describeOutput);
      return child.exitCode;
    },
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
