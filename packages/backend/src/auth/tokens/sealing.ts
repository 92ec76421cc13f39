import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

// Authenticated encryption (AES-256-GCM) of the secrets `/auth` must keep but never store in
// clear: the private signing keys (under a key derived from AUTH_SECRET) and a refresh token's
// successor (under a key derived from the parent token, which is itself never stored). Each use
// derives its own key with HKDF and its own `info` string, so no key serves two purposes.

/** HKDF `info` of the key that encrypts the private signing keys in the `jwks` table. */
const SIGNING_KEY_INFO = "@tetrastack/backend/auth jwks private key encryption v1";
/** HKDF `info` of the fingerprint that tells keys encrypted under different secrets apart. */
const FINGERPRINT_INFO = "@tetrastack/backend/auth jwks secret fingerprint v1";
/** HKDF `info` of the key a refresh token's successor is encrypted under. */
const HANDOFF_INFO = "@tetrastack/backend/auth refresh token handoff v1";

const VERSION = "v1";

/** The 32-byte key HKDF-SHA256 derives from `material` for `info` (empty salt: the inputs are random). */
function derive(material: string, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(material, "utf8"), Buffer.alloc(0), info, 32));
}

/** `plaintext` sealed under `key`, bound to `aad`: `v1.<iv>.<ciphertext>.<tag>`, base64url parts. */
function seal(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv, body, cipher.getAuthTag()]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

/** What {@link seal} sealed, or null when `key` or `aad` is not the one it was sealed with (or it was altered). */
function open(key: Buffer, sealed: string, aad: string): string | null {
  const [version, iv, body, tag, extra] = sealed.split(".");
  if (version !== VERSION || !iv || body === undefined || !tag || extra !== undefined) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

/** @internal Encryption of the private signing keys under the app's secret(s). */
export interface SigningKeyVault {
  /**
   * Tells apart keys sealed under different newest secrets (a short HMAC, not the secret): a
   * new `AUTH_SECRET` starts new keys instead of finding rows it cannot open.
   */
  readonly fingerprint: string;
  /** Seals under the newest secret. */
  seal(plaintext: string, aad: string): string;
  /** Opens with whichever of the secrets sealed it (newest first); null when none did. */
  open(sealed: string, aad: string): string | null;
}

/** @internal The vault over `secrets` (newest first, as `AUTH_SECRET` rotation lists them). */
export function createSigningKeyVault(secrets: readonly string[]): SigningKeyVault {
  const keys = secrets.map((secret) => derive(secret, SIGNING_KEY_INFO));
  const newest = keys[0];
  if (!newest || !secrets[0]) throw new Error("createSigningKeyVault: no secret");
  return {
    fingerprint: derive(secrets[0], FINGERPRINT_INFO).subarray(0, 8).toString("base64url"),
    seal: (plaintext, aad) => seal(newest, plaintext, aad),
    open(sealed, aad) {
      for (const key of keys) {
        const opened = open(key, sealed, aad);
        if (opened !== null) return opened;
      }
      return null;
    },
  };
}

/**
 * @internal Seals `successor` under a key derived from `parent`, a refresh token the database
 * knows only by its hash: whoever presents the parent can open it, a copy of the table cannot.
 */
export function sealHandoff(parent: string, successor: string, aad: string): string {
  return seal(derive(parent, HANDOFF_INFO), successor, aad);
}

/** @internal Opens what {@link sealHandoff} sealed; null for another parent or altered data. */
export function openHandoff(parent: string, sealed: string, aad: string): string | null {
  return open(derive(parent, HANDOFF_INFO), sealed, aad);
}

/** @internal A stable, non-secret id for an HMAC secret: the `kid` of the HS256 tokens it signs. */
export function secretKeyId(secret: string): string {
  return `hs-${createHmac("sha256", secret).update("@tetrastack/backend/auth hs256 kid v1").digest("base64url").slice(0, 22)}`;
}
