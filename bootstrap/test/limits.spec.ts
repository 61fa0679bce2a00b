import { connect } from 'node:net'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { UsageError } from '@hypha/relay-circuit'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import {
  BOOTSTRAP_CONNECTION_RATE, BOOTSTRAP_MAX_CONNECTIONS, BOOTSTRAP_MAX_PENDING_CONNECTIONS, BOOTSTRAP_STREAM_NEGOTIATION_TIMEOUT,
  BOOTSTRAP_UPGRADE_TIMEOUT, connectionLimitsFromFlags, connectionManagerOptions, createBootstrapNode, HostGate, MAX_BOOTSTRAP_CONNECTION_RATE,
  MAX_BOOTSTRAP_MAX_CONNECTIONS, MAX_BOOTSTRAP_HOST_READ_RATE, BOOTSTRAP_HOST_READ_BURST, readBudgetOf
} from '../src/index.ts'
import { run } from './fixtures/binary.ts'

const ENV = 'HYPHA_BOOTSTRAP'

describe('connection limits', () => {
  it('names every connection manager limit, and takes the two an operator may set', () => {
    expect(connectionManagerOptions()).to.deep.equal({
      maxConnections: BOOTSTRAP_MAX_CONNECTIONS,
      inboundConnectionThreshold: BOOTSTRAP_CONNECTION_RATE,
      maxIncomingPendingConnections: BOOTSTRAP_MAX_PENDING_CONNECTIONS,
      inboundUpgradeTimeout: BOOTSTRAP_UPGRADE_TIMEOUT,
      inboundStreamProtocolNegotiationTimeout: BOOTSTRAP_STREAM_NEGOTIATION_TIMEOUT
    })
    expect(connectionManagerOptions({ maxConnections: 7, connectionRate: 100 })).to.include({ maxConnections: 7, inboundConnectionThreshold: 100 })
    // one host stalling handshakes at the full rate cannot hold every pending slot
    expect(BOOTSTRAP_CONNECTION_RATE * BOOTSTRAP_UPGRADE_TIMEOUT / 1000).to.be.below(BOOTSTRAP_MAX_PENDING_CONNECTIONS)
  })

  it('reads --max-connections and --connection-rate, or the environment, the flag first', () => {
    expect(connectionLimitsFromFlags({}, {}, ENV)).to.deep.equal({})
    expect(connectionLimitsFromFlags({ 'max-connections': '64', 'connection-rate': '1000' }, {}, ENV)).to.deep.equal({ maxConnections: 64, connectionRate: 1000 })
    const env = { HYPHA_BOOTSTRAP_MAX_CONNECTIONS: '32', HYPHA_BOOTSTRAP_CONNECTION_RATE: '9' }
    expect(connectionLimitsFromFlags({}, env, ENV)).to.deep.equal({ maxConnections: 32, connectionRate: 9 })
    expect(connectionLimitsFromFlags({ 'max-connections': '33' }, env, ENV)).to.deep.equal({ maxConnections: 33, connectionRate: 9 })
    expect(connectionLimitsFromFlags({ 'host-read-rate': '4194304' }, {}, ENV)).to.deep.equal({ hostReadRate: 4_194_304 })
    expect(connectionLimitsFromFlags({}, { HYPHA_BOOTSTRAP_HOST_READ_RATE: '65536' }, ENV)).to.deep.equal({ hostReadRate: 65_536 })
  })

  it('turns --host-read-rate into a read budget whose pool holds at least a second of it', () => {
    expect(readBudgetOf({})).to.equal(undefined)
    expect(readBudgetOf({ hostReadRate: 65_536 })).to.deep.equal({ hostRate: 65_536, hostBurst: BOOTSTRAP_HOST_READ_BURST })
    expect(readBudgetOf({ hostReadRate: 8 * BOOTSTRAP_HOST_READ_BURST })).to.deep.equal({ hostRate: 8 * BOOTSTRAP_HOST_READ_BURST, hostBurst: 8 * BOOTSTRAP_HOST_READ_BURST })
  })

  const bad: Array<[string, string, string]> = [
    ['max-connections', '0', `--max-connections must be a whole number from 1 to ${MAX_BOOTSTRAP_MAX_CONNECTIONS}, got "0"`],
    ['max-connections', String(MAX_BOOTSTRAP_MAX_CONNECTIONS + 1), `--max-connections must be a whole number from 1 to ${MAX_BOOTSTRAP_MAX_CONNECTIONS}, got "${MAX_BOOTSTRAP_MAX_CONNECTIONS + 1}"`],
    ['connection-rate', '2.5', `--connection-rate must be a whole number from 1 to ${MAX_BOOTSTRAP_CONNECTION_RATE}, got "2.5"`],
    ['connection-rate', 'fast', `--connection-rate must be a whole number from 1 to ${MAX_BOOTSTRAP_CONNECTION_RATE}, got "fast"`],
    ['host-read-rate', '0', `--host-read-rate must be a whole number from 1 to ${MAX_BOOTSTRAP_HOST_READ_RATE}, got "0"`],
    ['host-read-rate', '512KiB', `--host-read-rate must be a whole number from 1 to ${MAX_BOOTSTRAP_HOST_READ_RATE}, got "512KiB"`]
  ]
  for (const [flag, value, message] of bad) {
    it(`refuses --${flag} ${value}`, () => {
      expect(() => connectionLimitsFromFlags({ [flag]: value }, {}, ENV)).to.throw(UsageError, message)
    })
  }

  it('exits 1 with one line naming the flag for a bad value', async () => {
    const exit = await run(['--max-connections', '0'])
    expect(exit.code).to.equal(1)
    expect(exit.stderr).to.equal(`hypha-bootstrap: ${bad[0][2]} (see --help)\n`)
  })

  it('a bootstrap node applies them (and a caller\'s connection manager settings over them)', async () => {
    const node = await createBootstrapNode({ listen: ['/ip4/127.0.0.1/tcp/0'], connectionManager: { maxConnections: 42 } })
    try {
      const manager = (node as any).components.connectionManager
      expect(manager.getMaxConnections()).to.equal(42)
      expect(manager.maxIncomingPendingConnections).to.equal(BOOTSTRAP_MAX_PENDING_CONNECTIONS)
    } finally {
      await node.stop()
    }
  })

  describe('at the TCP accept (HostGate)', () => {
    it('blocks a host over its rate, and refills it with time; other hosts keep their own', () => {
      let now = 1_000
      const gate = new HostGate({ rate: 3, perHost: 100, held: () => 0, now: () => now })
      expect([1, 2, 3, 4].map(() => gate.check('10.0.0.1', 'ipv4'))).to.deep.equal([false, false, false, true])
      expect(gate.check('10.0.0.2', 'ipv4')).to.equal(false)
      // the same host seen through a dual-stack socket
      expect(gate.check('::ffff:10.0.0.1', 'ipv6')).to.equal(true)
      now += 400
      expect([gate.check('10.0.0.1', 'ipv4'), gate.check('10.0.0.1', 'ipv4')]).to.deep.equal([false, true])
      expect(gate.refused).to.equal(3)
    })

    it('blocks a host that holds its share of connections, and what was added to it as a block list', () => {
      const held = new Map([['10.0.0.1', 2]])
      const gate = new HostGate({ rate: 100, perHost: 2, held: host => held.get(host) ?? 0 })
      expect(gate.check('10.0.0.1', 'ipv4')).to.equal(true)
      held.set('10.0.0.1', 1)
      expect(gate.check('10.0.0.1', 'ipv4')).to.equal(false)
      gate.addAddress('10.0.0.9')
      expect(gate.check('10.0.0.9', 'ipv4')).to.equal(true)
    })

    it('refuses rates and shares that are not positive integers', () => {
      expect(() => new HostGate({ rate: 0, perHost: 1, held: () => 0 })).to.throw(RangeError, /rate/)
      expect(() => new HostGate({ rate: 1, perHost: 1.5, held: () => 0 })).to.throw(RangeError, /perHost/)
    })

    /** Opens `count` raw TCP sockets at once; resolves with how many the node closed within `ms` */
    async function closedOf (port: number, count: number, ms: number): Promise<number> {
      const sockets = Array.from({ length: count }, () => connect(port, '127.0.0.1'))
      const closedAt = sockets.map(socket => {
        socket.on('error', () => {})
        socket.resume()
        return new Promise<boolean>(resolve => { socket.once('close', () => { resolve(true) }) })
      })
      const deadline = new Promise<boolean>(resolve => setTimeout(() => { resolve(false) }, ms))
      const closed = await Promise.all(closedAt.map(async close => Promise.race([close, deadline])))
      for (const socket of sockets) { socket.destroy() }
      return closed.filter(Boolean).length
    }

    it('a bootstrap node closes a host\'s sockets over its rate at once, and keeps serving', async () => {
      const node = await createBootstrapNode({ listen: ['/ip4/127.0.0.1/tcp/0'], connectionManager: { inboundConnectionThreshold: 2 } })
      const client = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
      try {
        const addr = node.getMultiaddrs().find(ma => ma.toString().includes('/tcp/') && !ma.toString().includes('/ws'))
        if (addr == null) { throw new Error('no TCP address') }
        const port = Number(addr.getComponents().find(c => c.name === 'tcp')?.value)
        // 2 are let in (and wait in their handshake), the other 4 are closed at accept
        expect(await closedOf(port, 6, 500)).to.equal(4)
        expect(node.services.hostGate.refused).to.equal(4)
        // a second later the host has its allowance again
        await new Promise(resolve => setTimeout(resolve, 1_100))
        const connection = await client.dial(multiaddr(addr.toString()))
        expect(connection.status).to.equal('open')
      } finally {
        await client.stop()
        await node.stop()
      }
    })

    it('a bootstrap node closes a host\'s sockets at accept once the host holds its share', async () => {
      const node = await createBootstrapNode({ listen: ['/ip4/127.0.0.1/tcp/0'], connectionsPerHost: 1, connectionManager: { inboundConnectionThreshold: 100 } })
      const client = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
      try {
        const addr = node.getMultiaddrs().find(ma => ma.toString().includes('/tcp/') && !ma.toString().includes('/ws'))
        if (addr == null) { throw new Error('no TCP address') }
        await client.dial(multiaddr(addr.toString()))
        expect(await closedOf(Number(addr.getComponents().find(c => c.name === 'tcp')?.value), 3, 500)).to.equal(3)
        expect(node.services.hostGate.refused).to.equal(3)
        // the connection it holds is untouched
        expect(client.getConnections().map(c => c.status)).to.deep.equal(['open'])
      } finally {
        await client.stop()
        await node.stop()
      }
    })
  })
})
