import { BlockList, isIP } from "node:net";
import type { ProxyTrust } from "./config";

/**
 * An address as a proxy or the socket may write it ("1.2.3.4:5678", "[::1]:80", "fe80::1%eth0",
 * "::ffff:1.2.3.4"), reduced to the bare address; IPv4-mapped IPv6 becomes the IPv4 address it carries.
 * Null when it is not an address at all.
 */
export function normalizeAddress(raw: string | undefined | null): string | null {
  if (!raw) return null;
  let text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  text = text.replace(/%.*$/, "").toLowerCase();
  const family = isIP(text);
  if (family === 4) return text;
  if (family !== 6) return null;
  const groups = ipv6Groups(text);
  // ::ffff:a.b.c.d is how a dual-stack socket shows an IPv4 client; it must count as that client.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join(".");
  }
  return groups.map((g) => g.toString(16)).join(":");
}

/** The eight 16-bit groups of a valid IPv6 address (with "::" and an IPv4 tail expanded). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((group) => parseInt(group, 16));
}

/**
 * The bucket sign-in limits count an address in: an IPv4 address itself, an IPv6 address's /64 (one
 * household or server usually holds a whole /64, so counting single IPv6 addresses would let it
 * rotate through billions of them).
 */
export function addressBucket(address: string): string {
  const normalized = normalizeAddress(address);
  if (!normalized) return "unknown";
  if (isIP(normalized) === 4) return normalized;
  return `${ipv6Groups(normalized)
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

/**
 * Builds the function that names a request's client from its socket address and X-Forwarded-For:
 * walking from the socket leftwards through the header, every hop TRUST_PROXY trusts hands over to the
 * one before it, and the first untrusted hop is the client. With TRUST_PROXY off the header is ignored,
 * since anyone can send it.
 */
export function clientAddressResolver(
  trust: ProxyTrust,
): (socketAddress: string | undefined, forwardedFor: string | string[] | undefined) => string {
  let trusted: (address: string, hop: number) => boolean;
  if (trust.kind === "off") trusted = () => false;
  else if (trust.kind === "hops") trusted = (_address, hop) => hop < trust.hops;
  else {
    const list = new BlockList();
    for (const entry of trust.addresses) {
      const [address = "", prefix] = entry.split("/");
      const normalized = normalizeAddress(address) ?? address;
      const type = isIP(normalized) === 4 ? "ipv4" : "ipv6";
      if (prefix === undefined) list.addAddress(normalized, type);
      // A range written as IPv4-mapped IPv6 would never match the IPv4 form normalization gives.
      else list.addSubnet(normalized, Math.max(0, Number(prefix) - (isIP(address) === 6 && type === "ipv4" ? 96 : 0)), type);
    }
    trusted = (address) => list.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
  }
  return (socketAddress, forwardedFor) => {
    let client = normalizeAddress(socketAddress) ?? "unknown";
    if (trust.kind === "off" || client === "unknown" || !forwardedFor) return client;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean)
      .reverse();
    for (let hop = 0; hop < hops.length && trusted(client, hop); hop++) {
      const next = normalizeAddress(hops[hop]);
      // A hop that is not an address was not written by a proxy we trust: stay with the last good one.
      if (!next) break;
      client = next;
    }
    return client;
  };
}
