import { UsageError } from '@hypha/relay-circuit'
import { expect } from 'aegir/chai'
import {
  BOOTSTRAP_CONNECTION_RATE, BOOTSTRAP_MAX_CONNECTIONS, BOOTSTRAP_MAX_PENDING_CONNECTIONS, BOOTSTRAP_STREAM_NEGOTIATION_TIMEOUT,
  BOOTSTRAP_UPGRADE_TIMEOUT, connectionLimitsFromFlags, connectionManagerOptions, createBootstrapNode, MAX_BOOTSTRAP_CONNECTION_RATE,
  MAX_BOOTSTRAP_MAX_CONNECTIONS
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
  })

  const bad: Array<[string, string, string]> = [
    ['max-connections', '0', `--max-connections must be a whole number from 1 to ${MAX_BOOTSTRAP_MAX_CONNECTIONS}, got "0"`],
    ['max-connections', String(MAX_BOOTSTRAP_MAX_CONNECTIONS + 1), `--max-connections must be a whole number from 1 to ${MAX_BOOTSTRAP_MAX_CONNECTIONS}, got "${MAX_BOOTSTRAP_MAX_CONNECTIONS + 1}"`],
    ['connection-rate', '2.5', `--connection-rate must be a whole number from 1 to ${MAX_BOOTSTRAP_CONNECTION_RATE}, got "2.5"`],
    ['connection-rate', 'fast', `--connection-rate must be a whole number from 1 to ${MAX_BOOTSTRAP_CONNECTION_RATE}, got "fast"`]
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
})
