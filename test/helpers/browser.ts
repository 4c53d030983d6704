/**
 * @module browser
 * Launches headless Chromium for browser tests with no system install needed: the machine's
 * Chromium at /usr/bin/chromium when there is one, otherwise the Chromium that ships inside the
 * pinned `@sparticuz/chromium` devDependency (unpacked to the temp dir on first use), so
 * `npm install && npm test` works on a fresh Linux machine without an apt step. Also where the
 * tests' screenshots go, and a watcher for a page's errors.
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import sparticuzChromium, { inflate } from "@sparticuz/chromium";
import { chromium, type Browser, type Page } from "playwright-core";

export const SYSTEM_CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Flags for both Chromiums. playwright-core adds `--headless` and `--no-sandbox` itself
 * (`headless: true`, `chromiumSandbox` unset). We deliberately do not take
 * `@sparticuz/chromium`'s own `args`: they are tuned for AWS Lambda and include
 * `--disable-web-security` and `--allow-running-insecure-content`, which would hide the CORS and
 * mixed-content errors a real user's browser reports, and `--single-process`, which Lambda's
 * seccomp needs but an ordinary Linux machine does not (the npm build runs multi-process here).
 */
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"];

export type ChromiumSource = "system" | "npm";

export interface LaunchedBrowser {
  browser: Browser;
  /** Which Chromium runs: the system's, or the one from `@sparticuz/chromium`. */
  source: ChromiumSource;
  executablePath: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false; // absent or not executable: fall back to the npm Chromium
  }
}

/**
 * The npm Chromium and the environment it needs. Its binary links NSS (libnss3, libnspr4, …) and
 * expat, which minimal images lack; the package ships them in `al2023.tar.br` (built for
 * Amazon Linux 2023, glibc only), so we unpack those too and put them first on
 * LD_LIBRARY_PATH: the binary then needs nothing from the system but glibc. Its fonts
 * (`fonts.tar.br`, unpacked by `executablePath()`) are used through FONTCONFIG_PATH so pages
 * render the same with or without system fonts.
 */
async function npmChromium(): Promise<{ executablePath: string; env: Record<string, string> }> {
  const executablePath = await sparticuzChromium.executablePath();
  const packageBin = join(dirname(fileURLToPath(import.meta.resolve("@sparticuz/chromium"))), "..", "bin");
  const libraryDir = join(await inflate(join(packageBin, "al2023.tar.br")), "lib");
  const inherited = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const libraryPath = [libraryDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":");
  return { executablePath, env: { ...inherited, LD_LIBRARY_PATH: libraryPath, FONTCONFIG_PATH: join(tmpdir(), "fonts") } };
}

/**
 * Launches headless Chromium: the system's when present, else the npm one. `source: "npm"`
 * forces the npm one (so machines that have a system Chromium still test the fallback).
 */
export async function launchBrowser(options: { source?: ChromiumSource } = {}): Promise<LaunchedBrowser> {
  if (options.source !== "npm" && isExecutable(SYSTEM_CHROMIUM_PATH)) {
    const browser = await chromium.launch({ executablePath: SYSTEM_CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    return { browser, source: "system", executablePath: SYSTEM_CHROMIUM_PATH };
  }
  const { executablePath, env } = await npmChromium();
  const browser = await chromium.launch({ executablePath, env, args: CHROMIUM_ARGS, headless: true });
  return { browser, source: "npm", executablePath };
}

/** Where browser tests save screenshots (under test-results/, git-ignored). */
export const SCREENSHOTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test-results", "screenshots");

/**
 * Saves a screenshot of `page` as `<name>.png` in SCREENSHOTS_DIR and prints its path, so a run
 * leaves a picture of each view for review.
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const path = join(SCREENSHOTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  console.log(`screenshot: ${path}`);
  return path;
}

/**
 * Collects a page's uncaught errors and console errors. Chromium's own "Failed to load resource"
 * lines are left out: they are how it reports any non-2xx fetch, and the console shows the HTTP
 * errors it expects (401, 404…) on the page itself, where the tests check them.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) problems.push(`console error: ${message.text()}`);
  });
  return problems;
}
