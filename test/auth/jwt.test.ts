import { createHmac, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { issueToken, keysFromEnv, verifyLoginToken, verifyToken } from "../../src/auth/jwt.ts";
import { decodePrivateKey, generateKeyPair } from "../../src/auth/keys.ts";

const pair = generateKeyPair();
const keys = keysFromEnv({ JWT_PUBLIC_KEY: pair.publicKey, JWT_PRIVATE_KEY: pair.privateKey });
const other = generateKeyPair();

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** A token assembled by hand, byte for byte as golang-jwt (cc-backend) produces one. */
function handMade(header: object, claims: object, signer: (input: Buffer) => Buffer): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${signer(Buffer.from(input)).toString("base64url")}`;
}
const now = () => Math.floor(Date.now() / 1000);

describe("JWT", () => {
  it("verifies tokens made the way cc-backend makes them (EdDSA, sub, roles, exp)", async () => {
    const token = handMade({ alg: "EdDSA", typ: "JWT" }, { exp: now() + 600, iat: now(), roles: ["api", "user"], sub: "slurm-adapter" }, (input) =>
      sign(null, input, decodePrivateKey(pair.privateKey)),
    );
    expect(await verifyToken(keys, token)).toEqual({ username: "slurm-adapter", roles: ["api", "user"], expires: expect.any(Number) });
  });

  it("issues tokens that verify, with exp only when a lifetime is set", async () => {
    const forever = await issueToken(keys, { username: "alice", roles: ["admin"] });
    expect(await verifyToken(keys, forever)).toEqual({ username: "alice", roles: ["admin"] });
    const timed = await issueToken(keys, { username: "alice", roles: ["admin"] }, 3600);
    expect((await verifyToken(keys, timed)).expires).toBeGreaterThan(now() + 3500);
  });

  it("refuses every forgery with a message that helps no attacker", async () => {
    const claims = { sub: "mallory", roles: ["admin"], iat: now() };
    const forgeries: Record<string, string> = {
      "alg none": `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`,
      "HS256 with the public key as secret": handMade({ alg: "HS256", typ: "JWT" }, claims, (i) => createHmac("sha256", Buffer.from(pair.publicKey, "base64")).update(i).digest()),
      "signed with another key": handMade({ alg: "EdDSA", typ: "JWT" }, claims, (i) => sign(null, i, decodePrivateKey(other.privateKey))),
      "expired": handMade({ alg: "EdDSA", typ: "JWT" }, { ...claims, exp: now() - 10 }, (i) => sign(null, i, decodePrivateKey(pair.privateKey))),
      "malformed": "not.a.token",
      "empty": "",
    };
    const valid = await issueToken(keys, { username: "alice", roles: ["user"] });
    const [h, , s] = valid.split(".");
    forgeries["tampered payload"] = `${h}.${b64({ sub: "alice", roles: ["admin"] })}.${s}`;
    for (const [name, token] of Object.entries(forgeries)) {
      await expect(verifyToken(keys, token), name).rejects.toThrow(name === "expired" ? /^token expired$/ : /^invalid token$/);
    }
  });

  it("an empty or missing key disables the feature instead of accepting anything", async () => {
    const token = await issueToken(keys, { username: "alice", roles: ["admin"] });
    const none = keysFromEnv({ JWT_PUBLIC_KEY: "", JWT_PRIVATE_KEY: "  ", CROSS_LOGIN_JWT_HS512_KEY: "" });
    await expect(verifyToken(none, token)).rejects.toThrow(/token authentication is not configured/);
    await expect(issueToken(none, { username: "a", roles: [] })).rejects.toThrow(/JWT_PRIVATE_KEY is not set/);
    const hs = handMade({ alg: "HS512", typ: "JWT" }, { sub: "alice", roles: ["admin"] }, (i) => createHmac("sha512", Buffer.alloc(0)).update(i).digest());
    await expect(verifyLoginToken(none, hs)).rejects.toThrow(/not accepted here/);
  });

  it("accepts cross-login HS512 tokens only with CROSS_LOGIN_JWT_HS512_KEY", async () => {
    const secret = Buffer.from("a shared secret of the portal, 64 bytes long......................");
    const withCross = keysFromEnv({ JWT_PUBLIC_KEY: pair.publicKey, CROSS_LOGIN_JWT_HS512_KEY: secret.toString("base64") });
    const good = handMade({ alg: "HS512", typ: "JWT" }, { sub: "bob", roles: ["user"] }, (i) => createHmac("sha512", secret).update(i).digest());
    expect(await verifyLoginToken(withCross, good)).toMatchObject({ username: "bob", roles: ["user"] });
    const bad = handMade({ alg: "HS512", typ: "JWT" }, { sub: "bob", roles: ["admin"] }, (i) => createHmac("sha512", "guess").update(i).digest());
    await expect(verifyLoginToken(withCross, bad)).rejects.toThrow(/^invalid token$/);
    // HS512 is never accepted as an API token, whatever the key.
    await expect(verifyToken(withCross, good)).rejects.toThrow(/^invalid token$/);
  });
});
