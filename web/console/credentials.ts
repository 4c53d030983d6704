/**
 * @module credentials
 * The console's two secrets: a connection token (JWT, for the WebSocket) and an API key or admin
 * token (for the HTTP API). Both live in sessionStorage only (this tab, gone when it closes),
 * never in the page URL, the DOM text or a log line. A `?token=` in the page URL (the v1 console
 * took one) is moved into sessionStorage and removed from the address bar at once.
 */
import { byId } from "../dom";

const TOKEN_KEY = "roomcast.console.token";
const API_KEY_KEY = "roomcast.console.apiKey";

function read(key: string): string | undefined {
  try {
    return sessionStorage.getItem(key) || undefined;
  } catch {
    return undefined; // storage disabled (privacy mode): the console works without saved secrets
  }
}

function write(key: string, value: string): void {
  try {
    if (value) sessionStorage.setItem(key, value);
    else sessionStorage.removeItem(key);
  } catch {
    // storage disabled: the value cannot be kept; the form says "not saved" below
  }
}

export function connectionToken(): string | undefined {
  return read(TOKEN_KEY);
}

export function apiKey(): string | undefined {
  return read(API_KEY_KEY);
}

/** Moves a `?token=` from the page URL into sessionStorage and rewrites the URL without it. */
export function adoptTokenFromUrl(): void {
  const url = new URL(location.href);
  const token = url.searchParams.get("token");
  if (token === null) return;
  write(TOKEN_KEY, token);
  url.searchParams.delete("token");
  history.replaceState(null, "", url.pathname + url.search + url.hash);
}

/** Wires the credentials form; `changed` runs after a save or clear with what changed. */
export function mountCredentials(changed: (what: { token: boolean; apiKey: boolean }) => void): void {
  const tokenInput = byId<HTMLInputElement>("token-input");
  const keyInput = byId<HTMLInputElement>("api-key-input");
  const status = byId("credentials-status");
  const describe = () => {
    const parts = [connectionToken() ? "token set" : "no token", apiKey() ? "API key set" : "no API key"];
    status.textContent = `${parts.join(" · ")} (kept in this tab's sessionStorage)`;
  };
  describe();
  byId<HTMLFormElement>("credentials-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    const key = keyInput.value.trim();
    const what = { token: token !== "" && token !== connectionToken(), apiKey: key !== "" && key !== apiKey() };
    if (what.token) write(TOKEN_KEY, token);
    if (what.apiKey) write(API_KEY_KEY, key);
    // Inputs are emptied so the secret is not left in the DOM for anything reading the page.
    tokenInput.value = "";
    keyInput.value = "";
    describe();
    if (what.token || what.apiKey) changed(what);
  });
  byId<HTMLButtonElement>("credentials-clear").addEventListener("click", () => {
    const what = { token: connectionToken() !== undefined, apiKey: apiKey() !== undefined };
    write(TOKEN_KEY, "");
    write(API_KEY_KEY, "");
    describe();
    changed(what);
  });
}
