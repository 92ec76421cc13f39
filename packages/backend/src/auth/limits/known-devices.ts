import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { readCookie } from "../session/cookies.js";

/**
 * @internal OWASP's "device cookies" against lockout denial of service: after a successful
 * sign-in the browser gets a signed cookie naming the account (by HMAC only: the cookie carries
 * no email) and a random nonce. A later attempt that presents one for the same account is from a
 * known device: it has its own rate limit and its own lockout, so the account-wide lock that
 * attackers can trigger from anywhere never keeps the owner's own browser out.
 * https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies
 */
export interface KnownDevices {
  /** The cookie's name: `__Secure-` prefixed when cookies are secure. */
  cookieName(secure: boolean): string;
  /** Seconds the cookie lasts. */
  readonly maxAge: number;
  /** The nonce of this browser's entry for `account`, when its cookie holds a valid one. */
  find(cookieHeader: string | null | undefined, secure: boolean, account: string): string | null;
  /** The cookie value after a sign-in to `account`: a fresh entry first, then the others still valid. */
  issue(cookieHeader: string | null | undefined, secure: boolean, account: string): string;
}

/** Entries kept per browser (accounts signed in from it), newest first. */
const MAX_ENTRIES = 5;
const ENTRY = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** @internal */
export function createKnownDevices(secret: string | readonly string[], maxAge: number): KnownDevices {
  const secrets = typeof secret === "string" ? [secret] : [...secret];
  // A key of its own, derived from the secret, so a device signature is never valid anywhere else.
  const keys = secrets.map((value) =>
    Buffer.from(hkdfSync("sha256", value, "", "@tetrastack/backend known-device cookie", 32)),
  );
  const sign = (key: Buffer, account: string, nonce: string): Buffer =>
    createHmac("sha256", key).update(`${account}\u0000${nonce}`).digest();
  const verifies = (account: string, nonce: string, mac: string): boolean => {
    const given = Buffer.from(mac, "base64url");
    return keys.some((key) => {
      const expected = sign(key, account, nonce);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  };
  const cookieName = (secure: boolean): string => `${secure ? "__Secure-" : ""}tetrastack.known-device`;
  const entries = (header: string | null | undefined, secure: boolean): { nonce: string; mac: string }[] => {
    const value = readCookie(header ?? null, cookieName(secure));
    if (!value) return [];
    const found: { nonce: string; mac: string }[] = [];
    for (const part of value.split("~").slice(0, MAX_ENTRIES)) {
      const match = ENTRY.exec(part);
      if (match?.[1] && match[2]) found.push({ nonce: match[1], mac: match[2] });
    }
    return found;
  };

  return {
    cookieName,
    maxAge,
    find(header, secure, account) {
      for (const { nonce, mac } of entries(header, secure)) if (verifies(account, nonce, mac)) return nonce;
      return null;
    },
    issue(header, secure, account) {
      const nonce = randomBytes(16).toString("base64url");
      const fresh = `${nonce}.${sign(keys[0] as Buffer, account, nonce).toString("base64url")}`;
      // The account's older entry is replaced; entries of other accounts stay if they still verify
      // under some key (they cannot be checked against their account here, only kept or dropped).
      const others = entries(header, secure)
        .filter(({ nonce: n, mac }) => !verifies(account, n, mac))
        .map(({ nonce: n, mac }) => `${n}.${mac}`);
      return [fresh, ...others].slice(0, MAX_ENTRIES).join("~");
    },
  };
}
