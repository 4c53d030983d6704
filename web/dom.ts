/**
 * @module dom
 * Small DOM helpers for the console pages. Everything user- or room-supplied goes in through
 * textContent, never innerHTML, so a message can never inject markup into the page.
 */

type Children = Array<Node | string | undefined>;

/** A list scrolled to within this many pixels of its end follows new rows. */
const STICKY_BOTTOM_PX = 40;

/** Creates an element with attributes and children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Children): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== undefined) element.append(child);
  return element;
}

/** The element with this id; throws naming it, so a page/script mismatch is obvious. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** JSON text of `value`, cut to `maxChars` with an ellipsis. */
export function preview(value: unknown, maxChars: number): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/** The value typed in a send box: JSON when it parses, else the text as a string. */
export function parseTyped(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour12: false });
}

/** The page's query parameter, or a default. */
export function queryParam(name: string, fallback: string): string {
  return new URLSearchParams(location.search).get(name) || fallback;
}

/** Keeps a scrolling list at the bottom while the user has not scrolled up, and at most `max` rows. */
export function appendCapped(container: HTMLElement, row: HTMLElement, max: number): void {
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < STICKY_BOTTOM_PX;
  container.append(row);
  while (container.childElementCount > max) container.firstElementChild?.remove();
  if (atBottom) container.scrollTop = container.scrollHeight;
}
