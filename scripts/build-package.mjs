/**
 * @module build-package
 * Builds what the npm package publishes (package.json `exports`): `roomcast/client` and
 * `roomcast/server` as ES module bundles (esbuild) in dist/client and dist/server, and their type
 * declarations (tsc, tsconfig.build.json) in dist/types. Run by `npm run build:package`, and by
 * npm itself before `npm pack` / `npm publish` and after `npm install` in a checkout (`prepare`).
 * Writes only under dist/ (git-ignored), so an install leaves the work tree clean.
 *
 * The client bundle has no imports; the server bundle keeps its dependencies (`jose`) as imports,
 * resolved from the installing project. Declarations get explicit `.js` / `/index.js` specifiers
 * so they resolve under `moduleResolution: node16 / nodenext` as well as `bundler`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const common = { absWorkingDir: root, bundle: true, format: "esm", target: "es2022", platform: "neutral", write: false, logLevel: "warning", legalComments: "none" };
const bundles = [
  { entryPoints: { index: "src/client/index.ts" }, outdir: "dist/client" },
  // Dependencies stay imports: the installing project resolves (and dedupes) them.
  { entryPoints: { index: "src/server/index.ts" }, outdir: "dist/server", packages: "external" },
];

/** Replaces `path` in one rename, only when its contents changed (a running test may be importing it). */
function writeAtomically(path, contents) {
  const existing = existsSync(path) ? readFileSync(path) : undefined;
  if (existing && Buffer.compare(existing, contents) === 0) return false;
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
  return true;
}

function* declarationFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* declarationFiles(path);
    else if (entry.name.endsWith(".d.ts")) yield path;
  }
}

/** `"./x"` → `"./x.js"` or `"./x/index.js"`, whichever declaration exists; fails on any other. */
function withExtensions(file) {
  const rewrite = (specifier) => {
    const target = resolve(dirname(file), specifier);
    if (existsSync(`${target}.d.ts`)) return `${specifier}.js`;
    if (existsSync(join(target, "index.d.ts"))) return `${specifier}/index.js`;
    throw new Error(`build-package: ${file} imports ${specifier}, which has no declaration`);
  };
  return readFileSync(file, "utf8")
    .replace(/(\bfrom\s+")(\.{1,2}\/[^"]+)(")/g, (_, before, specifier, after) => before + rewrite(specifier) + after)
    .replace(/(\bimport\(")(\.{1,2}\/[^"]+)("\))/g, (_, before, specifier, after) => before + rewrite(specifier) + after);
}

function buildDeclarations() {
  const staging = mkdtempSync(join(tmpdir(), "roomcast-types-"));
  try {
    const tsc = join(root, "node_modules/typescript/bin/tsc");
    execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", staging], { cwd: root, stdio: "inherit" });
    let written = 0;
    const files = [...declarationFiles(staging)];
    for (const file of files) if (writeAtomically(join(root, "dist/types", file.slice(staging.length + 1)), Buffer.from(withExtensions(file)))) written++;
    // Declarations of modules no longer exported would linger: drop what this build did not emit.
    const emitted = new Set(files.map((file) => file.slice(staging.length + 1)));
    for (const file of declarationFiles(join(root, "dist/types"))) if (!emitted.has(file.slice(join(root, "dist/types").length + 1))) rmSync(file);
    return written;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

let written = 0;
for (const target of bundles) {
  const result = await build({ ...common, ...target });
  for (const file of result.outputFiles) if (writeAtomically(file.path, file.contents)) written++;
}
written += buildDeclarations();
console.log(`build-package: ${written} file(s) updated in dist/`);
