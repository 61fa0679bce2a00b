import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { PEER_KEY_FILE } from '../src/index.ts'
import { run, start, stop } from './fixtures/binary.ts'
import type { Running } from './fixtures/binary.ts'
import type { Libp2p } from '@libp2p/interface'

const LOOPBACK = ['--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws']

describe('hypha-relay (child process)', function () {
  this.timeout(30_000)

  let dir: string
  let relay: Running | undefined
  let client: Libp2p<any> | undefined

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hypha-relay-test-'))
  })

  afterEach(async () => {
    await client?.stop()
    client = undefined
    await stop(relay, 'SIGKILL')
    relay = undefined
    await rm(dir, { recursive: true, force: true })
  })

  it('prints exactly one JSON ready line with its TCP and WebSocket addresses', async () => {
    relay = await start(['--json', '--data', dir, ...LOOPBACK])
    expect(relay.ready.event).to.equal('ready')
    expect(relay.ready.peerId).to.match(/^12D3KooW/)
    expect(relay.ready.multiaddrs).to.have.lengthOf(2)
    for (const address of relay.ready.multiaddrs) {
      expect(address).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/[1-9][0-9]*(\/ws)?\/p2p\/12D3KooW/)
      expect(address.endsWith(relay.ready.peerId)).to.equal(true)
    }
    expect(relay.ready.multiaddrs.some(a => a.includes('/ws/'))).to.equal(true)
    const exit = await stop(relay)
    expect(exit?.stdout).to.equal('')
    expect(relay.stdout).to.have.lengthOf(1)
  })

  it('grants a relay reservation: the client gains a /p2p-circuit address through it', async () => {
    relay = await start(['--json', '--data', dir, ...LOOPBACK])
    const tcpAddress = relay.ready.multiaddrs.find(a => !a.includes('/ws/')) ?? ''
    client = await createLibp2p({
      addresses: { listen: ['/p2p-circuit'] },
      transports: [tcp(), circuitRelayTransport()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() }
    })
    const reserved = new Promise<string>(resolve => {
      const check = (): void => {
        const circuit = client?.getMultiaddrs().map(ma => ma.toString()).find(a => a.includes('/p2p-circuit'))
        if (circuit != null) {
          client?.removeEventListener('self:peer:update', check)
          resolve(circuit)
        }
      }
      client?.addEventListener('self:peer:update', check)
    })
    await client.dial(multiaddr(tcpAddress))
    const circuit = await reserved
    expect(circuit).to.equal(`${tcpAddress}/p2p-circuit/p2p/${client.peerId.toString()}`)
  })

  it('answers pings over its WebSocket listener', async () => {
    relay = await start(['--json', '--data', dir, ...LOOPBACK])
    const wsAddress = relay.ready.multiaddrs.find(a => a.includes('/ws/')) ?? ''
    client = await createLibp2p({
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { ping: ping() }
    })
    const rtt = await client.services.ping.ping(multiaddr(wsAddress))
    expect(rtt).to.be.a('number')
  })

  it('stops on SIGTERM with exit code 0 within a few seconds', async () => {
    relay = await start(['--json', '--data', dir, ...LOOPBACK])
    const started = Date.now()
    const exit = await stop(relay, 'SIGTERM', 5_000)
    expect(exit?.code).to.equal(0)
    expect(Date.now() - started).to.be.below(5_000)
  })

  it('stops on SIGINT with exit code 0', async () => {
    relay = await start(['--json', '--data', dir, ...LOOPBACK])
    const exit = await stop(relay, 'SIGINT', 5_000)
    expect(exit?.code).to.equal(0)
  })

  it('keeps its peer id across restarts with the same --data dir, in a 0600 key file', async () => {
    relay = await start(['--json', '--data', dir, ...LOOPBACK])
    const first = relay.ready.peerId
    expect((await stop(relay))?.code).to.equal(0)
    expect((await stat(join(dir, PEER_KEY_FILE))).mode & 0o777).to.equal(0o600)
    relay = await start(['--json', '--data', dir, ...LOOPBACK])
    expect(relay.ready.peerId).to.equal(first)

    const other = await mkdtemp(join(tmpdir(), 'hypha-relay-test-'))
    try {
      const third = await start(['--json', '--data', other, ...LOOPBACK])
      expect(third.ready.peerId).to.not.equal(first)
      await stop(third)
    } finally {
      await rm(other, { recursive: true, force: true })
    }
  })

  it('reads its configuration from the environment', async () => {
    relay = await start([], {
      env: { HYPHA_RELAY_LISTEN: '/ip4/127.0.0.1/tcp/0', HYPHA_RELAY_DATA: dir, HYPHA_RELAY_JSON: '1', HYPHA_RELAY_MAX_RESERVATIONS: '4' }
    })
    expect(relay.ready.multiaddrs).to.have.lengthOf(1)
    expect((await stat(join(dir, PEER_KEY_FILE))).isFile()).to.equal(true)
  })

  it('prints a human-readable ready line without --json', async () => {
    relay = await start(['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0'], { text: true })
    expect(relay.firstLine).to.match(/^hypha-relay: ready, peer id 12D3KooW\w+, listening on \/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW\w+$/)
    expect(relay.firstLine).to.include(relay.ready.peerId)
  })

  const USAGE_ERRORS: Array<[string[], string]> = [
    [['--bogus'], "hypha-relay: Unknown option '--bogus' (see --help)"],
    [['--max-reservations', '0'], 'hypha-relay: maxReservations must be a positive integer, got 0 (see --help)'],
    [['--connection-data', '1k'], 'hypha-relay: --connection-data must be a positive integer, got "1k" (see --help)'],
    [['--reservation-ttl', String(25 * 60 * 60 * 1000)], `hypha-relay: reservationTtl must be at most ${24 * 60 * 60 * 1000}, got ${25 * 60 * 60 * 1000} (see --help)`],
    [['--listen', 'not-a-multiaddr'], 'hypha-relay: --listen: "not-a-multiaddr" is not a multiaddr (see --help)'],
    [['positional'], "hypha-relay: Unexpected argument 'positional'. This command does not take positional arguments (see --help)"]
  ]

  USAGE_ERRORS.forEach(([args, message]) => {
    it(`exits 1 with one line on stderr for a usage error: ${args.join(' ')}`, async () => {
      const exit = await run([...args, '--data', dir])
      expect(exit.code).to.equal(1)
      expect(exit.stdout).to.equal('')
      expect(exit.stderr).to.equal(message + '\n')
    })
  })

  it('prints its usage with --help and exits 0', async () => {
    const exit = await run(['--help'])
    expect(exit.code).to.equal(0)
    expect(exit.stdout).to.include('Usage: hypha-relay [options]')
    expect(exit.stdout).to.include('--connection-data <bytes>')
  })

  it('exits 2 for an operational error: an unreadable peer key', async () => {
    await writeFile(join(dir, PEER_KEY_FILE), 'not a key')
    const exit = await run(['--json', '--data', dir, ...LOOPBACK])
    expect(exit.code).to.equal(2)
    expect(exit.stdout).to.equal('')
    expect(exit.stderr).to.match(/^hypha-relay: cannot start: .*peer-key is not a libp2p private key/)
  })

  it('exits 2 for an operational error: a port already in use', async () => {
    relay = await start(['--json', '--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0'])
    const port = relay.ready.multiaddrs[0].split('/')[4]
    const other = await mkdtemp(join(tmpdir(), 'hypha-relay-test-'))
    try {
      const exit = await run(['--json', '--data', other, '--listen', `/ip4/127.0.0.1/tcp/${port}`])
      expect(exit.code).to.equal(2)
      expect(exit.stderr).to.match(/^hypha-relay: cannot start: /)
    } finally {
      await rm(other, { recursive: true, force: true })
    }
  })
})
