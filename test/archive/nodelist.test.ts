import { describe, expect, it } from "vitest";
import { NodeList } from "../../src/archive/nodelist.ts";

describe("node lists of cluster.json", () => {
  it("matches literal names and zero-padded ranges (cc-backend's cases)", () => {
    const nl = NodeList.parse("hallo,wel123t,emmy[01-99],fritz[005-500],woody[100-200]");
    for (const host of ["hallo", "wel123t", "emmy01", "emmy42", "emmy99", "fritz005", "fritz500", "woody100", "woody199"]) expect(nl.contains(host), host).toBe(true);
    for (const host of ["hello", "woody", "fritz1", "fritz9", "fritz004", "woody201", "emmy1", "emmy100", "hallo2"]) expect(nl.contains(host), host).toBe(false);
  });

  it("handles several ranges in one bracket and dashes in names", () => {
    const a = NodeList.parse("a[1000-2000,2010-2090,3000-5000]");
    for (const host of ["a1001", "a2000", "a2042", "a4321", "a3000"]) expect(a.contains(host), host).toBe(true);
    for (const host of ["a0", "a0000", "a5001", "a2005"]) expect(a.contains(host), host).toBe(false);
    const cn = NodeList.parse("cn-0010,cn0011,cn-00[13-18,22-24]");
    for (const host of ["cn-0010", "cn0011", "cn-0013", "cn-0015", "cn-0018", "cn-0022", "cn-0024"]) expect(cn.contains(host), host).toBe(true);
    for (const host of ["cn-0012", "cn-0019", "cn-0021", "cn-0025", "cn-00"]) expect(cn.contains(host), host).toBe(false);
  });

  it("expands to host names and counts them", () => {
    const nl = NodeList.parse("e[0101-0103],e[0201-0202],login1");
    expect(nl.hostnames()).toEqual(["e0101", "e0102", "e0103", "e0201", "e0202", "login1"]);
    expect(nl.count()).toBe(6);
    expect(NodeList.parse("w11[27-45,49-63,69-72]").count()).toBe(19 + 15 + 4);
  });

  it("'*' matches every host", () => {
    expect(NodeList.parse("*").contains("anything-at-all")).toBe(true);
  });

  it("rejects malformed lists with a message naming the problem", () => {
    expect(() => NodeList.parse("e[01-10")).toThrow(/unclosed '\['/);
    expect(() => NodeList.parse("e[1-10]")).toThrow(/equal length/);
    expect(() => NodeList.parse("e[10-01]")).toThrow(/runs backwards/);
    expect(() => NodeList.parse("e0101,,e0102")).toThrow(/empty host name/);
    expect(() => NodeList.parse("e/../x")).toThrow(/invalid character "\/"/);
  });
});
