import { isIP } from "node:net";

/**
 * @internal The rate-limit identity of an address: IPv4 as is, IPv6 by its /64 prefix (one
 * customer usually holds a whole /64). Anything that is not an IP yields null.
 */
export function ipBucket(ip: string | null | undefined): string | null {
  if (!ip) return null;
  let address = ip.trim();
  if (address.startsWith("[")) address = address.slice(1, address.indexOf("]"));
  address = address.replace(/%.*$/, "");
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return null;
  if (address.toLowerCase().startsWith("::ffff:") && isIP(address.slice(7)) === 4) return address.slice(7);
  return `${expandIPv6(address).slice(0, 4).join(":")}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head = "", tail] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4 style) counts as two groups; only the prefix is used anyway.
  const missing = 8 - left.length - right.length;
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, missing)).fill("0"), ...right];
  return groups.map((group) => group.replace(/^0+(?=.)/, ""));
}
