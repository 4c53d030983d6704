import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, PolicyError, parseRoomPolicies, policyFor } from "../../src/room-policies";
import { checkConfig } from "../../src/config-check";

describe("parseRoomPolicies", () => {
  it("parses the documented example with defaults for unset fields", () => {
    const [policy] = parseRoomPolicies('[{"match":"quotes-*","clientPublish":false,"batchMs":20,"conflate":true,"shards":8,"maxConnections":100000,"historyMaxMessages":1,"binary":"deny"}]');
    expect(policy).toEqual({ match: "quotes-*", clientPublish: false, batchMs: 20, conflate: true, shards: 8, maxConnections: 100_000, historyMaxMessages: 1, binary: "deny" });
    expect(parseRoomPolicies('[{"match":"x"}]')[0]).toMatchObject({ clientPublish: true, batchMs: 0, conflate: false, shards: 1, binary: "allow" });
    expect(parseRoomPolicies(undefined)).toEqual([]);
    expect(parseRoomPolicies('[{"match":"x","presenceListMaxMembers":5}]')[0]!.presenceListMaxMembers).toBe(5);
  });

  it("parses placement: every location hint and jurisdiction of docs/protocol.md §8", () => {
    for (const locationHint of ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"]) {
      expect(parseRoomPolicies(JSON.stringify([{ match: "x", locationHint }]))[0]!.locationHint).toBe(locationHint);
    }
    for (const jurisdiction of ["eu", "fedramp"]) {
      expect(parseRoomPolicies(JSON.stringify([{ match: "x", jurisdiction, locationHint: "weur" }]))[0]).toMatchObject({ jurisdiction, locationHint: "weur" });
    }
    expect(parseRoomPolicies('[{"match":"x"}]')[0]).toMatchObject({ jurisdiction: undefined, locationHint: undefined });
  });

  for (const [input, field] of [
    ["{", "ROOM_POLICIES must be a JSON list"],
    ['{"match":"x"}', "ROOM_POLICIES must be a JSON list"],
    ["[5]", "ROOM_POLICIES[0] must be an object"],
    ['[{"batchMs":5}]', "ROOM_POLICIES[0].match"],
    ['[{"match":"x"},{"match":"y","shards":0}]', "ROOM_POLICIES[1].shards"],
    ['[{"match":"x","binary":"maybe"}]', "ROOM_POLICIES[0].binary"],
    ['[{"match":"x","conflate":"yes"}]', "ROOM_POLICIES[0].conflate"],
    ['[{"match":"x","batchMs":1.5}]', "ROOM_POLICIES[0].batchMs"],
    ['[{"match":"x","shard":2}]', "ROOM_POLICIES[0].shard"],
    ['[{"match":"x","presenceListMaxMembers":1001}]', "ROOM_POLICIES[0].presenceListMaxMembers"],
    ['[{"match":"x","presenceListMaxMembers":-1}]', "ROOM_POLICIES[0].presenceListMaxMembers"],
    ['[{"match":"x","locationHint":"mars"}]', "ROOM_POLICIES[0].locationHint"],
    ['[{"match":"x","locationHint":"WEUR"}]', "ROOM_POLICIES[0].locationHint"],
    ['[{"match":"x","locationHint":5}]', "ROOM_POLICIES[0].locationHint"],
    ['[{"match":"x"},{"match":"y","jurisdiction":"us-east"}]', "ROOM_POLICIES[1].jurisdiction"],
    ['[{"match":"x","jurisdiction":""}]', "ROOM_POLICIES[0].jurisdiction"],
  ]) {
    it(`rejects ${input} naming ${field}`, () => {
      expect(() => parseRoomPolicies(input)).toThrow(PolicyError);
      expect(() => parseRoomPolicies(input)).toThrow(field);
    });
  }
});

describe("policyFor", () => {
  it("takes the first match and falls back to the defaults", () => {
    const policies = parseRoomPolicies('[{"match":"quotes-fx","batchMs":5},{"match":"quotes-*","batchMs":20}]');
    expect(policyFor(policies, "quotes-fx").batchMs).toBe(5);
    expect(policyFor(policies, "quotes-eq").batchMs).toBe(20);
    expect(policyFor(policies, "lobby")).toBe(DEFAULT_POLICY);
  });
});

describe("placement settings in the start-time config check", () => {
  it("names ROOM_POLICIES and the field for an unknown location hint or jurisdiction", () => {
    expect(checkConfig({ ROOM_POLICIES: '[{"match":"eu-*","jurisdiction":"mars"}]' })).toMatchObject({ ok: false, setting: "ROOM_POLICIES", problem: expect.stringContaining("ROOM_POLICIES[0].jurisdiction") });
    expect(checkConfig({ ROOM_POLICIES: '[{"match":"eu-*","locationHint":"moon"}]' })).toMatchObject({ ok: false, setting: "ROOM_POLICIES", problem: expect.stringContaining("ROOM_POLICIES[0].locationHint") });
    expect(checkConfig({ ROOM_POLICIES: '[{"match":"eu-*","jurisdiction":"eu","locationHint":"weur"}]' }).ok).toBe(true);
  });
});
