/**
 * @module catalogues.test
 * The shared catalogues of issue 12: one closeQuietly with the union of the two old rules
 * (unsendable code → plain close, reason cut to 123 UTF-8 bytes, never throws), named closes
 * whose codes are sendable and reasons fit a close frame, and one error-code table whose names,
 * statuses and frame flags agree.
 */
import { describe, expect, it } from "vitest";
import { errorResponse } from "../../src/shared/http-error";
import { CloseCode, isSendableCloseCode } from "../../src/shared/close-codes";
import { closeQuietly, closeWith, type Closable } from "../../src/shared/close-quietly";
import { Close, type NamedClose } from "../../src/shared/closes";
import { ERROR_CODES, ErrorCode, httpStatusOf } from "../../src/shared/error-codes";
import { MAX_CLOSE_REASON_BYTES } from "../../src/shared/limits";
import { utf8ByteLength } from "../../src/shared/utf8";

/** A socket that records its close call and, like workerd, throws on what a close frame cannot carry. */
function strictSocket(): Closable & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    close(...args: unknown[]) {
      const [code, reason] = args as [number | undefined, string | undefined];
      if (code !== undefined && !isSendableCloseCode(code)) throw new TypeError("invalid close code");
      if (reason !== undefined && utf8ByteLength(reason) > MAX_CLOSE_REASON_BYTES) throw new TypeError("reason too long");
      calls.push(args);
    },
  };
}

describe("closeQuietly", () => {
  it("closes with the code and the reason", () => {
    const ws = strictSocket();
    closeQuietly(ws, CloseCode.kicked, "kicked");
    expect(ws.calls).toEqual([[4009, "kicked"]]);
  });

  it("cuts a reason to 123 UTF-8 bytes on a character boundary", () => {
    const ws = strictSocket();
    closeQuietly(ws, CloseCode.invalidPayload, "é".repeat(100));
    expect(ws.calls).toEqual([[1007, "é".repeat(61)]]);
  });

  it("turns a code no endpoint may send into a plain close instead of throwing", () => {
    for (const code of [1005, 1006, 1015, 999, 5000]) {
      const ws = strictSocket();
      closeQuietly(ws, code, "x");
      expect(ws.calls).toEqual([[]]);
    }
  });

  it("never throws, even when the socket is already closed", () => {
    const closed: Closable = {
      close() {
        throw new Error("already closed");
      },
    };
    expect(() => closeQuietly(closed, CloseCode.normal, "bye")).not.toThrow();
    expect(() => closeWith(closed, Close.kicked)).not.toThrow();
  });

  it("closeWith sends a named close", () => {
    const ws = strictSocket();
    closeWith(ws, Close.roomFull);
    expect(ws.calls).toEqual([[1013, "room is full"]]);
  });
});

describe("named closes", () => {
  const values: Array<[string, NamedClose]> = Object.entries(Close).map(([name, value]) => [name, typeof value === "function" ? value(65_536 as never) : value]);

  it("use sendable codes and reasons a close frame can carry", () => {
    for (const [name, value] of values) {
      expect(isSendableCloseCode(value.code), name).toBe(true);
      expect(utf8ByteLength(value.reason), name).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
    }
  });

  it("keep the words the room and the adapters send today", () => {
    expect(Close.messageTooBig(65_536)).toEqual({ code: 1009, reason: "message over 65536 bytes" });
    expect(Close.closeReasonTooLong).toEqual({ code: 1002, reason: "close reason over 123 bytes" });
    expect(Close.primaryUnavailable).toEqual({ code: 1013, reason: "room unavailable, try again later" });
    expect(Close.tokenExpired).toEqual({ code: 4001, reason: "token expired" });
    expect(Close.roomOutOfScope).toEqual({ code: 4003, reason: "token is not for this room" });
  });

  it("are frozen", () => {
    expect(Object.isFrozen(Close.kicked)).toBe(true);
  });
});

describe("error codes", () => {
  it("name every code of the table once, and only codes of the table", () => {
    expect(Object.values(ErrorCode).sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it("give every code an HTTP status or a frame use, and a sentence", () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect("status" in info || "frame" in info, code).toBe(true);
      expect(info.sentWhen.length, code).toBeGreaterThan(10);
    }
  });

  it("answer HTTP errors with the table's status", async () => {
    expect(httpStatusOf(ErrorCode.tooManyConnections)).toBe(429);
    const response = errorResponse(ErrorCode.payloadTooLarge, "body is over 10 bytes");
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: "payload_too_large", message: "body is over 10 bytes" } });
  });
});
