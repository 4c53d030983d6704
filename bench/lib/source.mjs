/**
 * @module source
 * Which roomcast the benchmark serves. By default a snapshot of the committed HEAD (src/, web/,
 * wrangler.toml, public/) exported to a temp dir with node_modules linked in: edits others make
 * to the working tree meanwhile neither reload the server nor blur what was measured.
 * `--worktree` serves the working tree itself (and records whether src/ had uncommitted changes).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What the gateway needs to run under `wrangler dev`. */
const SNAPSHOT_PATHS = ["src", "web", "wrangler.toml", "public", "tsconfig.json", "package.json"];
const GIT_TIMEOUT_MS = 30_000;

function git(root, ...args) {
  try {
    return execFileSync("git", args, { cwd: root, encoding: "utf8", timeout: GIT_TIMEOUT_MS, stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

/** Exports HEAD's gateway files to a temp dir; returns `{ dir, remove() }`. */
export function snapshotHead(root) {
  const dir = mkdtempSync(join(tmpdir(), "roomcast-bench-src-"));
  try {
    const archive = join(dir, "head.tar");
    execFileSync("git", ["archive", "--format=tar", "-o", archive, "HEAD", ...SNAPSHOT_PATHS], { cwd: root, timeout: GIT_TIMEOUT_MS, stdio: "ignore" });
    execFileSync("tar", ["-xf", archive, "-C", dir], { timeout: GIT_TIMEOUT_MS, stdio: "ignore" });
    rmSync(archive);
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not export HEAD for the benchmark (${error?.message ?? error}); try --worktree`);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The roomcast revision measured: commit, what was served, and whether src/ had uncommitted changes. */
export function sourceInfo(root, worktree) {
  const dirty = git(root, "status", "--porcelain", "--", "src", "wrangler.toml");
  return {
    commit: git(root, "rev-parse", "HEAD"),
    served: worktree ? "working tree" : "snapshot of HEAD",
    srcUncommittedChanges: dirty === null ? null : dirty.length > 0,
  };
}
