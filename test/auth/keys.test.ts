import { sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodePrivateKey, decodePublicKey, generateKeyPair } from "../../src/auth/keys.ts";

// The example pair shipped in cc-backend v1.0's configs/env-template.txt (not secret; for format only).
const CC_BACKEND_EXAMPLE = {
  publicKey: "kzfYrYy+TzpanWZHJ5qSdMj5uKUWgq74BWhQG6copP0=",
  privateKey: "dtPC/6dWJFKZK7KZ78CvWuynylOmjBFyMsUWArwmodOTN9itjL5POlqdZkcnmpJ0yPm4pRaCrvgFaFAbpyik/Q==",
};

describe("Ed25519 keys in cc-backend's format", () => {
  it("reads cc-backend's key pair: what the private key signs, the public key verifies", () => {
    const message = Buffer.from("header.payload");
    const signature = sign(null, message, decodePrivateKey(CC_BACKEND_EXAMPLE.privateKey));
    expect(verify(null, message, decodePublicKey(CC_BACKEND_EXAMPLE.publicKey), signature)).toBe(true);
  });

  it("generates pairs of that format (32-byte public key, 64-byte seed+public private key)", () => {
    const pair = generateKeyPair();
    expect(Buffer.from(pair.publicKey, "base64")).toHaveLength(32);
    const priv = Buffer.from(pair.privateKey, "base64");
    expect(priv).toHaveLength(64);
    expect(priv.subarray(32).toString("base64")).toBe(pair.publicKey);
    const signature = sign(null, Buffer.from("x"), decodePrivateKey(pair.privateKey));
    expect(verify(null, Buffer.from("x"), decodePublicKey(pair.publicKey), signature)).toBe(true);
    expect(generateKeyPair().publicKey).not.toBe(pair.publicKey);
  });

  it("rejects keys of the wrong size or encoding", () => {
    expect(() => decodePublicKey("")).toThrow(/JWT_PUBLIC_KEY is not a base64 Ed25519 key of 32 bytes/);
    expect(() => decodePublicKey(CC_BACKEND_EXAMPLE.privateKey)).toThrow(/32 bytes/);
    expect(() => decodePrivateKey("not base64!!")).toThrow(/JWT_PRIVATE_KEY/);
  });
});
