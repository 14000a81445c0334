/**
 * Password hashing: PBKDF2-SHA-256 through WebCrypto (which runs off the event loop).
 *
 * A hash is stored as `pbkdf2-sha256$<iterations>$<salt, base64>$<key, base64>`, so raising the
 * cost later does not break existing accounts.
 *
 * @module
 */

import { decodeBase64, encodeBase64 } from "@std/encoding/base64";

const PREFIX = "pbkdf2-sha256";
const SALT_BYTES = 16;
const KEY_BITS = 256;
const encoder = new TextEncoder();

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as Uint8Array<ArrayBuffer>, iterations },
    key,
    KEY_BITS,
  );
  return new Uint8Array(bits);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

/** Hashes `password` with a fresh random salt at `iterations`. */
export async function hashPassword(password: string, iterations: number): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const key = await derive(password, salt, iterations);
  return `${PREFIX}$${iterations}$${encodeBase64(salt)}$${encodeBase64(key)}`;
}

/** Whether `password` matches `stored`, compared in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [prefix, iterationsText, saltText, keyText] = stored.split("$");
  const iterations = Number(iterationsText);
  if (
    prefix !== PREFIX || !Number.isSafeInteger(iterations) || iterations < 1 ||
    saltText === undefined || keyText === undefined
  ) {
    return false;
  }
  let salt: Uint8Array;
  let expected: Uint8Array;
  try {
    salt = decodeBase64(saltText);
    expected = decodeBase64(keyText);
  } catch {
    return false;
  }
  return equalBytes(await derive(password, salt, iterations), expected);
}
