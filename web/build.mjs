/**
 * @module build
 * Bundles the web console (web/*.ts → public/build/) and the SDK for plain Node/browsers
 * (src/client → dist/client/index.js) with esbuild. Run by `npm run build`, and before
 * `npm start`, `npm test` and `npm run deploy`. Files are replaced atomically and only when they
 * changed, so a gateway already serving public/ never sees a half-written bundle.
 */
import { build } from "esbuild";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const common = { absWorkingDir: root, bundle: true, format: "esm", target: "es2022", write: false, logLevel: "warning", legalComments: "none" };
const targets = [
  { entryPoints: { console: "web/console.ts", quotes: "web/quotes.ts" }, outdir: "public/build", platform: "browser" },
  { entryPoints: { index: "src/client/index.ts" }, outdir: "dist/client", platform: "neutral" },
];

async function writeIfChanged(path, contents) {
  // Absent on the first build: nothing to compare with.
  const existing = await readFile(path).catch(() => undefined);
  if (existing && Buffer.compare(existing, contents) === 0) return false;
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
  return true;
}

let written = 0;
for (const target of targets) {
  const result = await build({ ...common, ...target });
  for (const file of result.outputFiles) if (await writeIfChanged(file.path, file.contents)) written++;
}
console.log(`build: ${written} file(s) updated in public/build and dist/client`);
