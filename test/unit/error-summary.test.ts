import { sign, verify } from "hono/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_LOGGED_MESSAGE_CHARS, redactMessage, summarizeError, topFrame } from "../../src/error-summary";
import { log, setLogSecrets } from "../../src/log";

const BODY = "top-secret-message-body-91c2";

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("did not throw");
}

function failingHandler(): never {
  throw new TypeError("room stub went away");
}

describe("summarizeError", () => {
  it("gives the name, the message and the top frame as function (file:line), never the stack", () => {
    const summary = summarizeError(thrown(failingHandler));
    expect(summary.errorName).toBe("TypeError");
    expect(summary.message).toBe("room stub went away");
    expect(summary.at).toMatch(/^failingHandler \(error-summary\.test\.ts:\d+\)$/);
    expect(JSON.stringify(summary)).not.toContain("\n");
  });

  it("blanks the input JSON.parse quotes back in its message", () => {
    const error = thrown(() => JSON.parse(`${BODY} and more of the body`));
    expect(error.message).toContain(BODY.slice(0, 10)); // The premise: V8 echoes the body.
    const { message } = summarizeError(error);
    expect(message).toBeTruthy();
    expect(message).not.toContain(BODY.slice(0, 6));
  });

  it("blanks a token a library pastes bare into its message", async () => {
    const token = await sign({ sub: "x", exp: Math.floor(Date.now() / 1000) + 60 }, "right-secret", "HS256");
    const error = await verify(token, "wrong-secret", "HS256").then(() => new Error("verified"), (e: Error) => e);
    expect(error.message).toContain(token.slice(0, 20)); // The premise: hono/jwt echoes the token.
    const { message } = summarizeError(error);
    for (const part of token.split(".")) expect(message).not.toContain(part.slice(0, 12));
  });

  it("keeps only the first line and cuts long messages", () => {
    expect(redactMessage("first line\nsecond line")).toBe("first line");
    expect(redactMessage("word ".repeat(100)).length).toBeLessThanOrEqual(MAX_LOGGED_MESSAGE_CHARS + 1);
  });

  it("describes a non-Error by its type only", () => {
    expect(summarizeError(`a thrown string with ${BODY}`)).toEqual({ errorName: "string" });
  });

  it("reads V8 and workerd frame formats", () => {
    expect(topFrame("Error: x\n    at readHistory (file:///tmp/dev/index.js:1234:9)\n    at async f (index.js:1:1)")).toBe("readHistory (index.js:1234)");
    expect(topFrame("Error: x\n    at async Room.publishFromApi (index.js:88:3)")).toBe("Room.publishFromApi (index.js:88)");
    expect(topFrame("Error: x\n    at index.js:307:11 in validateAtLoad")).toBe("validateAtLoad (index.js:307)");
    expect(topFrame("Error: x\n    at /srv/app/index.js:5:1")).toBe("index.js:5");
    expect(topFrame(undefined)).toBeUndefined();
  });
});

describe("log", () => {
  afterEach(() => {
    setLogSecrets([]);
    vi.restoreAllMocks();
  });

  function captured(): string[] {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    return lines;
  }

  it("writes the error's name, message, top frame and the handler that failed", () => {
    const lines = captured();
    log("error", { room: "r", where: "POST /rooms/:room/messages", error: thrown(failingHandler) });
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: "error", event: "error", room: "r", where: "POST /rooms/:room/messages", errorName: "TypeError", message: "room stub went away" });
    expect(entry.at).toMatch(/^failingHandler \(error-summary\.test\.ts:\d+\)$/);
    expect(entry).not.toHaveProperty("error");
    expect(entry).not.toHaveProperty("stack");
  });

  it("blanks the configured secrets anywhere in a line, even short ones and JSON-escaped ones", () => {
    const lines = captured();
    setLogSecrets(["k3y", 'se"cret\\1', undefined]);
    log("error", { reason: "saw k3y and se\"cret\\1", error: new Error("k3y") });
    expect(lines[0]).not.toContain("k3y");
    expect(lines[0]).not.toContain('se\\"cret');
    expect(lines[0]).toContain("[secret]");
  });
});
