import { expect } from 'aegir/chai'
import {
  EMPTY_CONFIG, MAX_BOOTSTRAP_ADDRESSES, MAX_ICE_SERVERS, bootstrapPeerIds, checkBootstrapAddress, effectiveConfig, parseBootstrapText, parseConfig,
  parseSavedBootstrap
} from '../src/config.ts'

const PEER = '12D3KooWQZmWzn2doejFsnNo1mjHwLhLqNMbyTVivmo3dSoRqMFG'
const WS = `/ip4/127.0.0.1/tcp/4002/ws/p2p/${PEER}`
const WSS = `/dns4/boot.hypha.example/tcp/443/wss/p2p/${PEER}`

describe('checkBootstrapAddress', () => {
  it('accepts ws and wss addresses that name their peer', () => {
    expect(checkBootstrapAddress(WS)).to.equal(WS)
    expect(checkBootstrapAddress(` ${WSS}\t`)).to.equal(WSS)
    expect(checkBootstrapAddress(`/dns4/boot.hypha.example/tcp/443/tls/ws/p2p/${PEER}`)).to.equal(`/dns4/boot.hypha.example/tcp/443/tls/ws/p2p/${PEER}`)
  })

  it('refuses what a browser cannot dial, or what does not name a peer', () => {
    const cases: Array<[string, string]> = [
      ['', 'starts with "/"'],
      ['ws://127.0.0.1:4002', 'starts with "/"'],
      ['/ip4/127.0.0.1/tcp/4001/p2p/' + PEER, 'not a WebSocket address'],
      ['/ip4/127.0.0.1/tcp/4002/ws', 'does not end with /p2p/<peer id>'],
      ['/ip4/127.0.0.1/tcp/4002/ws/p2p/notapeerid', 'names an invalid peer id'],
      [`${WS}/p2p-circuit/p2p/${PEER}`, 'relayed address'],
      ['/ip4/999.0.0.1/tcp/4002/ws/p2p/' + PEER, 'not a multiaddr'],
      ['/' + 'x'.repeat(2000), 'at most 1024 characters']
    ]
    for (const [address, message] of cases) {
      expect(() => checkBootstrapAddress(address), address).to.throw(message).with.property('name', 'InvalidBootstrapAddressError')
    }
  })

  it('refuses values that are not strings', () => {
    // @ts-expect-error: not a string
    expect(() => checkBootstrapAddress(42)).to.throw().with.property('name', 'InvalidBootstrapAddressError')
  })
})

describe('parseBootstrapText', () => {
  it('reads one address a line, skipping blanks, comments and duplicates', () => {
    const { addresses, problems } = parseBootstrapText(`\n${WS}\n  # a comment\n\n${WSS}\r\n${WS}\n`)
    expect(addresses).to.deep.equal([WS, WSS])
    expect(problems).to.deep.equal([])
  })

  it('reports each bad line with its number', () => {
    const { addresses, problems } = parseBootstrapText(`${WS}\nnonsense\n/ip4/1.2.3.4/tcp/1/p2p/${PEER}`)
    expect(addresses).to.deep.equal([WS])
    expect(problems.map(p => p.line)).to.deep.equal([2, 3])
    expect(problems[1].message).to.include('WebSocket')
  })

  it(`keeps at most ${MAX_BOOTSTRAP_ADDRESSES} addresses`, () => {
    const lines = Array.from({ length: MAX_BOOTSTRAP_ADDRESSES + 1 }, (_, i) => `/ip4/127.0.0.1/tcp/${4000 + i}/ws/p2p/${PEER}`)
    const { addresses, problems } = parseBootstrapText(lines.join('\n'))
    expect(addresses).to.have.length(MAX_BOOTSTRAP_ADDRESSES)
    expect(problems).to.deep.equal([{ line: MAX_BOOTSTRAP_ADDRESSES + 1, message: `at most ${MAX_BOOTSTRAP_ADDRESSES} bootstrap addresses` }])
  })
})

describe('parseConfig', () => {
  it('reads a full config', () => {
    const config = parseConfig({ bootstrap: [WS, WSS, WS], allowLoopback: true, iceServers: [{ urls: 'stun:stun.example:3478' }, { urls: ['turn:turn.example'], username: 'u', credential: 'c' }] })
    expect(config).to.deep.equal({
      bootstrap: [WS, WSS],
      allowLoopback: true,
      iceServers: [{ urls: ['stun:stun.example:3478'] }, { urls: ['turn:turn.example'], username: 'u', credential: 'c' }]
    })
  })

  it('fills in what is missing', () => {
    expect(parseConfig({})).to.deep.equal({ bootstrap: [], allowLoopback: false, iceServers: [] })
  })

  it('refuses a malformed config with InvalidConfigError', () => {
    const cases: Array<[unknown, string]> = [
      [null, 'JSON object'],
      [[], 'JSON object'],
      ['x', 'JSON object'],
      [{ bootstrap: WS }, '"bootstrap" must be an array'],
      [{ bootstrap: [42] }, 'must be a string'],
      [{ bootstrap: ['/ip4/127.0.0.1/tcp/1'] }, 'config.json: "/ip4/127.0.0.1/tcp/1" is not a WebSocket address'],
      [{ bootstrap: Array.from({ length: MAX_BOOTSTRAP_ADDRESSES + 1 }, () => WS) }, `at most ${MAX_BOOTSTRAP_ADDRESSES}`],
      [{ allowLoopback: 'yes' }, '"allowLoopback" must be true or false'],
      [{ iceServers: {} }, '"iceServers" must be an array'],
      [{ iceServers: [{ urls: 'http://stun.example' }] }, 'iceServers[0].urls'],
      [{ iceServers: [{ urls: [] }] }, 'iceServers[0].urls'],
      [{ iceServers: [{ urls: 'stun:x', username: 1 }] }, 'iceServers[0].username'],
      [{ iceServers: Array.from({ length: MAX_ICE_SERVERS + 1 }, () => ({ urls: 'stun:x' })) }, `at most ${MAX_ICE_SERVERS}`]
    ]
    for (const [value, message] of cases) {
      expect(() => parseConfig(value), JSON.stringify(value)).to.throw(message).with.property('name', 'InvalidConfigError')
    }
  })
})

describe('saved bootstrap list', () => {
  it('wins over config.json when there is one', () => {
    const file = parseConfig({ bootstrap: [WS], allowLoopback: true })
    expect(effectiveConfig(file, [WSS])).to.deep.equal({ ...file, bootstrap: [WSS] })
    expect(effectiveConfig(file, [])).to.deep.equal({ ...file, bootstrap: [] })
    expect(effectiveConfig(file, undefined)).to.deep.equal(file)
    expect(effectiveConfig(EMPTY_CONFIG, undefined)).to.deep.equal(EMPTY_CONFIG)
  })

  it('reads back what was saved, and ignores what does not read', () => {
    expect(parseSavedBootstrap(JSON.stringify([WS, WSS]))).to.deep.equal([WS, WSS])
    expect(parseSavedBootstrap('[]')).to.deep.equal([])
    for (const saved of [null, undefined, '', '{', '{}', '[1]', JSON.stringify(['nonsense'])]) {
      expect(parseSavedBootstrap(saved), String(saved)).to.equal(undefined)
    }
  })
})

describe('bootstrapPeerIds', () => {
  it('names each bootstrap node once', () => {
    expect(bootstrapPeerIds([WS, WSS, '/ip4/127.0.0.1/tcp/4002/ws'])).to.deep.equal([PEER])
  })
})
