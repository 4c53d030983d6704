/**
 * @module dependencies.test
 * What each published or deployed bundle pulls from node_modules, checked against package.json:
 * the Worker (as wrangler bundles it: workerd/worker/browser conditions) uses only `dependencies`,
 * never a devDependency that a production install would leave out; the `roomcast/server` bundle
 * imports only `dependencies` (jose) at run time; the `roomcast/client` bundle imports nothing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../helpers/gateway";

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const BUILD_TIMEOUT_MS = 30_000;

/** The package a node_modules path belongs to (`hono`, `@hono/zod-openapi`). */
function packageOf(path: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];
}

async function metafileOf(entry: string, options: { conditions?: string[]; platform: "browser" | "neutral"; packagesExternal?: boolean }): Promise<Metafile> {
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    write: false,
    metafile: true,
    logLevel: "silent",
    platform: options.platform,
    conditions: options.conditions,
    external: ["cloudflare:*", "node:*"],
    ...(options.packagesExternal ? { packages: "external" as const } : {}),
  });
  return result.metafile;
}

function bundledPackages(metafile: Metafile): string[] {
  return [...new Set(Object.keys(metafile.inputs).map(packageOf).filter((name): name is string => name !== undefined))].sort();
}

function importedAtRunTime(metafile: Metafile): string[] {
  const imports = Object.values(metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.external).map((entry) => entry.path));
  return [...new Set(imports)].sort();
}

describe("bundles and package.json dependencies", () => {
  it(
    "the Worker bundles only packages listed in dependencies",
    async () => {
      const worker = await metafileOf("src/worker/index.ts", { platform: "browser", conditions: ["workerd", "worker", "browser"] });
      const used = bundledPackages(worker);
      expect(used).toContain("hono");
      expect(used.filter((name) => !(name in pkg.dependencies))).toEqual([]);
      expect(used.filter((name) => name in pkg.devDependencies)).toEqual([]);
      expect(importedAtRunTime(worker).filter((path) => !path.startsWith("cloudflare:") && !path.startsWith("node:"))).toEqual([]);
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    "roomcast/server imports only dependencies at run time (jose); roomcast/client imports nothing",
    async () => {
      const server = await metafileOf("src/server/index.ts", { platform: "neutral", packagesExternal: true });
      expect(importedAtRunTime(server)).toEqual(["jose"]);
      expect(importedAtRunTime(server).every((name) => name in pkg.dependencies)).toBe(true);
      const client = await metafileOf("src/client/index.ts", { platform: "neutral" });
      expect(importedAtRunTime(client)).toEqual([]);
      expect(bundledPackages(client)).toEqual([]);
    },
    BUILD_TIMEOUT_MS,
  );
});
