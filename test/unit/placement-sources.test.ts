/**
 * @module placement-sources.test
 * Every Durable Object id in src is made in room-placement.ts, so every path to a room's objects
 * gets the room's jurisdiction and location hint (docs/protocol.md §8). A location hint has no
 * local effect a gateway test could see; this keeps a new path from skipping it unseen.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../../src");
const PLACEMENT_MODULE = "room/room-placement.ts";
/** Namespace calls that make an id or a stub from a name: only the placement module may use them. */
const ID_MAKERS = /\.(idFromName|idFromString|newUniqueId|getByName|jurisdiction)\(/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("object placement has one home", () => {
  it(`only ${PLACEMENT_MODULE} makes Durable Object ids`, () => {
    const offenders = sourceFiles(SRC)
      .map((path) => relative(SRC, path).split("\\").join("/"))
      .filter((path) => path !== PLACEMENT_MODULE)
      .filter((path) => readFileSync(join(SRC, path), "utf8").split("\n").some((line) => ID_MAKERS.test(line) && !line.trim().startsWith("*") && !line.trim().startsWith("//")));
    expect(offenders).toEqual([]);
  });

  it("the placement module itself is found (the scan is not empty)", () => {
    expect(readFileSync(join(SRC, PLACEMENT_MODULE), "utf8")).toMatch(ID_MAKERS);
  });
});
