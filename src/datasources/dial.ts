import { lookup } from 'node:dns/promises'
import { isIP, type Socket, connect as tcpConnect } from 'node:net'
import { type HostPolicy, normalizeAddress } from '../lib/host-patterns.ts'
import { DatasourceRefusedError } from './connection.ts'

/** Every address a host name resolves to (A and AAAA), as the system resolver answers. */
export type Resolver = (host: string) => Promise<string[]>

export const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address)

export interface Target {
  host: string
  port: number
}

/**
 * The hosts a postgres:// URL names, read the way postgres.js reads them (several hosts with
 * commas, the last `@` ending the credentials), but with `[v6]` literals kept whole. A host with
 * a `/` is a Unix socket directory: undefined, as those are never allowed.
 */
export function targetsOf(url: string): Target[] | undefined {
  const rest = url.slice(url.indexOf('://') + 3).split(/[?/]/)[0] ?? ''
  const authority = decodeURIComponent(rest.slice(rest.lastIndexOf('@') + 1))
  const targets: Target[] = []
  for (const part of authority.split(',')) {
    const m = /^\[([^\]]*)\](?::(\d*))?$/.exec(part) ?? /^([^:]*)(?::(\d*))?$/.exec(part)
    const host = m?.[1]
    if (!host || host.includes('/')) return undefined
    targets.push({ host, port: m[2] ? Number(m[2]) : 5432 })
  }
  return targets
}

/**
 * Resolves and checks a datasource's hosts, and opens its sockets to exactly the addresses it
 * checked: a name whose DNS answer changes between the check and the connection (rebinding)
 * cannot lead the connection elsewhere. Every connection of every pool goes through here.
 */
export class Dialer {
  constructor(
    readonly policy: HostPolicy,
    private readonly resolve: Resolver = systemResolver,
  ) {}

  /** The host's addresses, every one allowed; DatasourceRefusedError otherwise. DNS errors pass. */
  async addresses(host: string): Promise<string[]> {
    const literal = normalizeAddress(host)
    const addresses = isIP(literal) ? [literal] : await this.resolve(host)
    const refusal = this.policy.refusal(host, addresses)
    if (refusal) throw new DatasourceRefusedError(`Datasource refused: ${refusal}`)
    return addresses
  }

  /** A connected socket to the first target that answers, within `timeoutMs` per attempt. */
  async connect(targets: Target[], timeoutMs: number): Promise<Socket> {
    let last: unknown
    for (const t of targets) {
      for (const address of await this.addresses(t.host)) {
        try {
          const socket = await open(address, t.port, timeoutMs)
          // postgres.js names the TLS server after socket.host: the URL's name, not the address.
          ;(socket as Socket & { host?: string }).host = t.host
          return socket
        } catch (err) {
          last = err
        }
      }
    }
    throw last
  }
}

function open(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(
        Object.assign(new Error(`connecting to ${host}:${port} timed out`), {
          code: 'CONNECT_TIMEOUT',
        }),
      )
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
  })
}
