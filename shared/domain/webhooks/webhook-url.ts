/**
 * Which URLs a webhook may point at: https only, no credentials, no fragment, at most 2048
 * characters. Plain http is allowed only to the loopback interface, and only where the
 * deployment says so (the local stack and tests, whose receivers have no certificate).
 *
 * Elsewhere the host must not name the deployment's own network (SSRF hygiene): IP literals of
 * private, loopback, link-local, CGNAT and unspecified addresses are refused, and so are the
 * names localhost, *.localhost and *.internal. This looks at the URL's text only: a public name
 * whose DNS answers a private address is not caught here (that needs a check at send time).
 */

export const MAX_WEBHOOK_URL_LENGTH = 2048;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** An IPv4 range: its first address as a 32-bit number, its prefix length, and what it is. */
interface Ipv4Range {
  readonly first: number;
  readonly bits: number;
  readonly cidr: string;
  readonly kind: string;
}

function ipv4Range(cidr: string, kind: string): Ipv4Range {
  const [address = "", bits = ""] = cidr.split("/");
  return { first: ipv4Number(address.split(".").map(Number)), bits: Number(bits), cidr, kind };
}

/** The IPv4 ranges a webhook may not name (RFC 1918, 6598, 3927, 1122). */
const REFUSED_IPV4: readonly Ipv4Range[] = [
  ipv4Range("0.0.0.0/8", "unspecified"),
  ipv4Range("10.0.0.0/8", "private"),
  ipv4Range("100.64.0.0/10", "carrier-grade NAT"),
  ipv4Range("127.0.0.0/8", "loopback"),
  ipv4Range("169.254.0.0/16", "link-local"),
  ipv4Range("172.16.0.0/12", "private"),
  ipv4Range("192.168.0.0/16", "private"),
];

function ipv4Number(octets: readonly number[]): number {
  return octets.reduce((value, octet) => value * 256 + octet, 0);
}

function refusedIpv4(octets: readonly number[]): string | undefined {
  const address = ipv4Number(octets);
  for (const range of REFUSED_IPV4) {
    const size = 2 ** (32 - range.bits);
    if (Math.floor(address / size) === Math.floor(range.first / size))
      return `${range.kind}, ${range.cidr}`;
  }
  return undefined;
}

/**
 * The eight 16-bit groups of an IPv6 literal as the URL parser writes it (bracketed, lower
 * case, hex groups only, at most one "::"), or undefined for another host.
 */
function ipv6Groups(hostname: string): number[] | undefined {
  const match = /^\[([0-9a-f:]+)\]$/.exec(hostname);
  if (match?.[1] === undefined) return undefined;
  const [head = "", tail] = match[1].split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const zeros = tail === undefined ? 0 : 8 - front.length - back.length;
  const groups = [...front, ...Array<number>(zeros).fill(0), ...back];
  return groups.length === 8 ? groups : undefined;
}

function refusedIpv6(groups: readonly number[]): string | undefined {
  const [g0 = 0, g1 = 0, , , , g5 = 0, g6 = 0, g7 = 0] = groups;
  const embedded = [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
  const zeroUpTo = (count: number) => groups.slice(0, count).every((group) => group === 0);
  if (zeroUpTo(8)) return "unspecified, ::";
  if (zeroUpTo(7) && g7 === 1) return "loopback, ::1";
  if ((g0 & 0xfe00) === 0xfc00) return "private, fc00::/7";
  if ((g0 & 0xffc0) === 0xfe80) return "link-local, fe80::/10";
  // An IPv4 address written as IPv6 (mapped ::ffff:0:0/96, compatible ::/96, NAT64
  // 64:ff9b::/96) reaches that IPv4 address: judged as it.
  const mapped = zeroUpTo(5) && g5 === 0xffff;
  const compatible = zeroUpTo(6);
  const nat64 = g0 === 0x64 && g1 === 0xff9b && groups.slice(2, 6).every((group) => group === 0);
  if (mapped || compatible || nat64) return refusedIpv4(embedded);
  return undefined;
}

/** What kind of refused address an IP literal host is, or undefined (a name, a public IP). */
function refusedAddress(hostname: string): string | undefined {
  // The URL parser has written every IPv4 form (0x7f.1, 2130706433, 127.1) as a dotted quad.
  const ipv4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(hostname);
  if (ipv4 !== null) return refusedIpv4(ipv4.slice(1).map(Number));
  const groups = ipv6Groups(hostname);
  return groups === undefined ? undefined : refusedIpv6(groups);
}

/** Why `hostname` (as URL parses it) names the deployment's own network, or undefined. */
function internalHostProblem(hostname: string): string | undefined {
  const name = hostname.replace(/\.+$/, "");
  const kind =
    refusedAddress(hostname) ??
    (name === "localhost" || name.endsWith(".localhost") ? "a loopback name" : undefined) ??
    (name === "internal" || name.endsWith(".internal") ? "an internal name" : undefined);
  return kind === undefined
    ? undefined
    : `an https URL of a public host, not ${hostname} (${kind})`;
}

/** Why `text` cannot be a webhook URL, or undefined when it can. */
export function webhookUrlProblem(text: string, allowHttpLoopback: boolean): string | undefined {
  if (text.length > MAX_WEBHOOK_URL_LENGTH) return `at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "an absolute URL, such as https://example.com/stele-events";
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && allowHttpLoopback && loopback)) {
    return allowHttpLoopback ? "an https URL (or http to 127.0.0.1 or localhost)" : "an https URL";
  }
  if (url.username !== "" || url.password !== "") return "no user name or password in the URL";
  if (url.hash !== "") return "no #fragment";
  // The local stack and tests post to their own machine; a deployment never does.
  return allowHttpLoopback ? undefined : internalHostProblem(url.hostname);
}
