import { describe, expect, it } from "vitest";
import { publishKey } from "../../src/room/publish-key";

describe("publishKey", () => {
  it("scopes an id by user when there is one, else by connection, and keeps the API apart", () => {
    const keys = [
      publishKey({ id: "conn-a" }, "c1-1"),
      publishKey({ id: "conn-b" }, "c1-1"),
      publishKey({ id: "conn-a", userId: "ann" }, "c1-1"),
      publishKey({ kind: "api" }, "c1-1"),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(publishKey({ id: "conn-a", userId: "ann" }, "x")).toBe(publishKey({ id: "conn-b", userId: "ann" }, "x"));
  });

  it("cannot be made to collide by a user id that looks like a connection scope", () => {
    expect(publishKey({ id: "x", userId: "conn\u0000abc" }, "1")).not.toBe(publishKey({ id: "abc" }, "1"));
  });
});

describe("publishKey parts", () => {
  it("keeps a separator inside a user id or publish id from shifting the parts", () => {
    expect(publishKey({ id: "c", userId: "a\u0000b" }, "c")).not.toBe(publishKey({ id: "c", userId: "a" }, "b\u0000c"));
  });
});

describe("publishKey with a client's secret scope", () => {
  it("shares ids across an anonymous client's connections only when they carry the same scope", () => {
    const scope = "0f9c2a8e-5b1d-4e7a-9c3f-2d6b8a1e4f70";
    expect(publishKey({ id: "conn-a", publishScope: scope }, "1")).toBe(publishKey({ id: "conn-b", publishScope: scope }, "1"));
    expect(publishKey({ id: "conn-a", publishScope: scope }, "1")).not.toBe(publishKey({ id: "conn-a" }, "1"));
    expect(publishKey({ id: "conn-a", userId: "ann", publishScope: scope }, "1")).toBe(publishKey({ id: "conn-b", userId: "ann" }, "1"));
  });
});
