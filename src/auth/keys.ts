import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

/**
 * Ed25519 keys in cc-backend's format: JWT_PUBLIC_KEY is the 32-byte raw public key and JWT_PRIVATE_KEY
 * the 64-byte Go private key (32-byte seed followed by the public key), both standard base64.
 */
export interface EncodedKeyPair {
  publicKey: string;
  privateKey: string;
}

export function generateKeyPair(): EncodedKeyPair {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  const seed = Buffer.from(jwk.d!, "base64url");
  const pub = Buffer.from(jwk.x!, "base64url");
  return { publicKey: pub.toString("base64"), privateKey: Buffer.concat([seed, pub]).toString("base64") };
}

export class KeyFormatError extends Error {}

function decode(text: string, name: string, lengths: number[]): Buffer {
  const bytes = Buffer.from(text, "base64");
  if (!lengths.includes(bytes.length) || bytes.toString("base64").replace(/=+$/, "") !== text.trim().replace(/=+$/, "")) {
    throw new KeyFormatError(`${name} is not a base64 Ed25519 key of ${lengths.join(" or ")} bytes`);
  }
  return bytes;
}

export function decodePublicKey(text: string): KeyObject {
  const raw = decode(text, "JWT_PUBLIC_KEY", [32]);
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
}

export function decodePrivateKey(text: string): KeyObject {
  const raw = decode(text, "JWT_PRIVATE_KEY", [64]);
  return createPrivateKey({
    key: { kty: "OKP", crv: "Ed25519", d: raw.subarray(0, 32).toString("base64url"), x: raw.subarray(32).toString("base64url") },
    format: "jwk",
  });
}
