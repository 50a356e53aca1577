/**
 * An SMTP sink for the email bench, in a process of its own: accepts every message and throws
 * it away, counting. Greets each connection after `greeting-ms` (real servers take a while, and
 * that delay is what a connection pool saves). Prints {"port": n} once listening; on SIGTERM
 * prints {"accepted": n} and exits.
 *
 *   npx tsx bench/smtp-sink.ts [greeting-ms]
 */
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

const greetingMs = Number(process.argv[2] ?? 100)
let accepted = 0
let connections = 0

const server = new SMTPServer({
  disableReverseLookup: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  closeTimeout: 50,
  size: 50 * 1024 * 1024,
  onConnect(_session, cb) {
    connections++
    setTimeout(() => cb(), greetingMs)
  },
  onData(stream, _session, cb) {
    stream.on('data', () => {})
    stream.on('end', () => {
      accepted++
      cb()
    })
  },
})

server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as AddressInfo
  console.log(JSON.stringify({ port }))
})

process.on('SIGTERM', () => {
  console.log(JSON.stringify({ accepted, connections }))
  server.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 1000).unref()
})
