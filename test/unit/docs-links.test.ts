/**
 * @module docs-links.test
 * The project's docs stand alone: every relative link in README.md and docs/*.md points at a
 * file inside the repository, and every `#anchor` names a heading of its target (GitHub's
 * heading ids). A link to a sibling checkout such as `../shared/SPEC.md` fails here, and so does
 * any link to a web address other than the local gateway's.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const DOCS = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)];

/** GitHub's id for a heading: lower case, punctuation dropped, spaces to hyphens. */
function headingId(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function headingIds(file: string): Set<string> {
  const text = readFileSync(file, "utf8").replace(/^```[\s\S]*?^```$/gm, "");
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => headingId(match[1]!)));
}

/** Markdown link targets `[text](target)` and `<scheme://…>` autolinks outside code blocks. */
function linkTargets(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8").replace(/^```[\s\S]*?^```$/gm, "");
  return [...[...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!), ...[...text.matchAll(/<([a-z]+:\/\/[^>\s]+)>/gi)].map((match) => match[1]!)];
}

/** Links without a scheme. */
function relativeLinks(file: string): string[] {
  return linkTargets(file).filter((target) => !/^[a-z]+:/i.test(target));
}

/** The one kind of web address the docs may link: the gateway a reader runs locally. */
const LOCAL_ADDRESS = /^(https?|wss?):\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/;

describe("documentation links", () => {
  for (const doc of DOCS) {
    it(`${doc}: relative links stay inside the repository and their anchors exist`, () => {
      const links = relativeLinks(doc);
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) {
        const [path, anchor] = link.split("#") as [string, string | undefined];
        const target = path === "" ? join(ROOT, doc) : resolve(dirname(join(ROOT, doc)), path);
        expect(relative(ROOT, target).startsWith(".."), `${doc} links outside the repository: ${link}`).toBe(false);
        expect(existsSync(target), `${doc} links a missing file: ${link}`).toBe(true);
        if (anchor !== undefined) expect(headingIds(target).has(anchor), `${doc}: no heading for #${anchor} in ${relative(ROOT, target)}`).toBe(true);
      }
    });

    it(`${doc}: links no web address outside the local gateway`, () => {
      const external = linkTargets(doc).filter((target) => /^[a-z]+:/i.test(target) && !LOCAL_ADDRESS.test(target));
      expect(external).toEqual([]);
    });
  }
});
