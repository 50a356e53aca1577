import { BlockList, isIP } from 'node:net'

/**
 * HERALD_DATASOURCE_HOSTS: where datasource URLs may point. A datasource URL is a connection
 * Herald makes from inside its own network, so without limits an org admin could reach the
 * host's loopback services or the cloud metadata endpoint through it.
 */

/** Addresses refused unless a pattern names them; the metadata ones first, for a clearer reason. */
const BLOCKED: { what: string; ranges: [string, number][] }[] = [
  {
    what: 'the cloud metadata address',
    ranges: [
      ['169.254.169.254', 32],
      ['fd00:ec2::254', 128],
    ],
  },
  {
    what: 'a loopback address',
    ranges: [
      ['127.0.0.0', 8],
      ['::1', 128],
    ],
  },
  {
    what: 'a link-local address',
    ranges: [
      ['169.254.0.0', 16],
      ['fe80::', 10],
    ],
  },
  // A connection to 0.0.0.0 or :: reaches this very machine.
  {
    what: 'an unspecified address (this machine)',
    ranges: [
      ['0.0.0.0', 8],
      ['::', 128],
    ],
  },
]

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 4 ? 'ipv4' : 'ipv6'
}

/** `::ffff:127.0.0.1` is 127.0.0.1: checked as the IPv4 address it is. */
export function normalizeAddress(address: string): string {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a)
  return mapped ? mapped[1]! : a
}

const blocked = BLOCKED.map(({ what, ranges }) => {
  const list = new BlockList()
  for (const [net, prefix] of ranges) list.addSubnet(net, prefix, family(net))
  return { what, list }
})

/** Why the default refuses `address`, or undefined. */
export function blockedReason(address: string): string | undefined {
  const a = normalizeAddress(address)
  return blocked.find((b) => b.list.check(a, family(a)))?.what
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/

function isHostName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((l) => LABEL.test(l))
}

type Pattern =
  | { kind: 'any' }
  | { kind: 'name'; name: string }
  | { kind: 'suffix'; suffix: string }
  | { kind: 'address'; list: BlockList }

function parsePattern(text: string): Pattern | string {
  const p = text.trim().toLowerCase()
  if (p === '*') return { kind: 'any' }
  const slash = p.indexOf('/')
  if (slash >= 0) {
    const net = normalizeAddress(p.slice(0, slash))
    const bits = p.slice(slash + 1)
    const max = isIP(net) === 4 ? 32 : 128
    if (!isIP(net) || !/^\d{1,3}$/.test(bits) || Number(bits) > max) {
      return `"${text}" is not a CIDR range (e.g. 10.0.0.0/8 or fd00::/8)`
    }
    const list = new BlockList()
    list.addSubnet(net, Number(bits), family(net))
    return { kind: 'address', list }
  }
  const address = normalizeAddress(p)
  if (isIP(address)) {
    const list = new BlockList()
    list.addAddress(address, family(address))
    return { kind: 'address', list }
  }
  if (p.startsWith('*.') && isHostName(p.slice(2))) return { kind: 'suffix', suffix: p.slice(1) }
  if (isHostName(p)) return { kind: 'name', name: p }
  return `"${text}" is not a host name, *.domain wildcard, IP address or CIDR range`
}

/** Problems with a HERALD_DATASOURCE_HOSTS value (comma-separated patterns), for the config. */
export function hostPatternProblems(patterns: string[]): string[] {
  if (patterns.length === 0) return ['expected at least one host pattern, e.g. *']
  return patterns.map(parsePattern).filter((p): p is string => typeof p === 'string')
}

/** The patterns of a HERALD_DATASOURCE_HOSTS value. */
export function splitHostPatterns(text: string): string[] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
}

/**
 * Decides whether a host, with every address it resolved to, may be connected to.
 *
 * `*` allows any host; `db.example.com` that name; `*.example.com` any name under it; an address
 * or CIDR range those addresses. Loopback, link-local, unspecified and metadata addresses are
 * refused even under `*` or a wildcard: only an address pattern covering them, or the host's
 * exact name (`localhost`), lets them through — a wildcard domain's DNS may be anyone's.
 */
export class HostPolicy {
  private readonly patterns: Pattern[]

  constructor(readonly source: string[] = ['*']) {
    this.patterns = source.map((text) => {
      const p = parsePattern(text)
      if (typeof p === 'string') throw new Error(p)
      return p
    })
  }

  /** Why `host` (resolved to `addresses`) is refused, or undefined when every address is allowed. */
  refusal(host: string, addresses: string[]): string | undefined {
    const name = host.toLowerCase().replace(/\.$/, '')
    const literal = isIP(normalizeAddress(name)) !== 0
    const named = !literal && this.patterns.some((p) => p.kind === 'name' && p.name === name)
    const broadly =
      named ||
      this.patterns.some(
        (p) => p.kind === 'any' || (p.kind === 'suffix' && !literal && name.endsWith(p.suffix)),
      )
    const shown = literal ? name : `${name} (${addresses.join(', ')})`
    if (addresses.length === 0) return `the host ${name} has no address`
    for (const raw of addresses) {
      const a = normalizeAddress(raw)
      const listed = this.patterns.some((p) => p.kind === 'address' && p.list.check(a, family(a)))
      if (listed || named) continue
      const why = blockedReason(a)
      const via = literal ? '' : ` (${name} resolves to it)`
      if (why) {
        return `${a}${via} is ${why}; Herald connects there only when HERALD_DATASOURCE_HOSTS lists it`
      }
      if (!broadly) return `the host ${shown} is not allowed by HERALD_DATASOURCE_HOSTS`
    }
    return undefined
  }
}
