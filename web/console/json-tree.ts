/**
 * @module json-tree
 * Expandable JSON: objects and arrays become native `<details>` elements (keyboard and screen
 * reader friendly without script) whose summary previews the value; children are built on the
 * first expand, so a large message costs nothing until someone opens it. Text goes in through
 * textContent only.
 */
import { el, preview } from "../dom";

/** Characters of a collapsed value's preview. */
const SUMMARY_PREVIEW_CHARS = 80;

function leaf(value: unknown): HTMLElement {
  const type = value === null ? "null" : typeof value;
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return el("span", { class: `json-${type}` }, text);
}

function entriesOf(value: object): Array<[string, unknown]> {
  return Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
}

/** A collapsible node for an object or array; `open` expands it now. */
function branch(value: object, open: boolean): HTMLElement {
  const entries = entriesOf(value);
  const shape = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  const summary = el("summary", {}, el("span", { class: "json-shape" }, shape), " ", el("span", { class: "json-preview" }, preview(value, SUMMARY_PREVIEW_CHARS)));
  const details = el("details", { class: "json-branch" }, summary);
  let built = false;
  const build = () => {
    if (built) return;
    built = true;
    const list = el("ul", { class: "json-children" });
    for (const [key, item] of entries) list.append(el("li", {}, el("span", { class: "json-key" }, `${key}: `), jsonTree(item)));
    details.append(list);
  };
  details.addEventListener("toggle", () => {
    if (details.open) build();
  });
  if (open) {
    build();
    details.open = true;
  }
  return details;
}

/** A tree for any JSON value: a leaf, or a collapsible branch (`open` expands the top level). */
export function jsonTree(value: unknown, options: { open?: boolean } = {}): HTMLElement {
  if (value !== null && typeof value === "object" && entriesOf(value).length > 0) return branch(value, options.open === true);
  if (value !== null && typeof value === "object") return el("span", { class: "json-empty" }, Array.isArray(value) ? "[]" : "{}");
  return leaf(value);
}
