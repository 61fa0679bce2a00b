/**
 * Two Node peers that both listen only via a relay reach each other over
 * /p2p-circuit and upgrade to a direct WebRTC connection (DESIGN.md "Roles on
 * the mesh"). The relay is a real `hypha-relay` process on 127.0.0.1; the
 * peers run in this process and have no listener of their own.
 */

import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createPeerNode, upgradeToWebRTC } from '../src/index.ts'
import type { PeerNode } from '../src/index.ts'
import type { Connection } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'

/** The built `hypha-relay` (run `npm run build` at the root first) */
const RELAY_BIN = join(import.meta.dirname, '..', '..', 'relay-circuit', 'dist', 'src', 'bin.js')

/** The peers listen only through a relay: no TCP or WebSocket listener of their own */
const RELAY_ONLY = ['/p2p-circuit', '/webrtc']

/** Bounds; STACK.md measured a reservation at ~300 ms and a WebRTC upgrade at 0.2-1.1 s */
const READY_TIMEOUT = 15_000
const RESERVATION_TIMEOUT = 10_000
const DIAL_TIMEOUT = 10_000

interface Relay {
  child: ChildProcessWithoutNullStreams
  peerId: string
  multiaddrs: string[]
  stderr(): string
}

/** Start `hypha-relay --json` and wait (bounded) for its ready line */
async function startRelay (args: string[]): Promise<Relay> {
  const child = spawn(process.execPath, [RELAY_BIN, '--json', ...args], { stdio: 'pipe' })
  let out = ''
  let err = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`hypha-relay printed no ready line within ${READY_TIMEOUT} ms; stderr: ${err}`))
    }, READY_TIMEOUT)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      const newline = out.indexOf('\n')
      if (newline < 0) { return }
      clearTimeout(timer)
      try {
        const ready = JSON.parse(out.slice(0, newline))
        resolve({ child, peerId: ready.peerId, multiaddrs: ready.multiaddrs, stderr: () => err })
      } catch {
        child.kill('SIGKILL')
        reject(new Error(`hypha-relay's first line is not JSON: ${out.slice(0, newline)}`))
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`hypha-relay exited (${code ?? signal}) before its ready line; stderr: ${err}`))
    })
  })
}

/** Send `signal` to the relay and wait (bounded) for it to exit */
async function stopRelay (relay: Relay | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null, signal: NodeJS.Signals | null } | undefined> {
  if (relay == null) { return undefined }
  const { child } = relay
  if (child.exitCode != null || child.signalCode != null) {
    return { code: child.exitCode, signal: child.signalCode }
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('hypha-relay did not exit within 10 s of ' + signal))
    }, 10_000)
    child.once('exit', (code, sig) => {
      clearTimeout(timer)
      resolve({ code, signal: sig })
    })
    child.kill(signal)
  })
}

function isCircuit (ma: Multiaddr): boolean {
  return ma.toString().includes('/p2p-circuit')
}

function isWebRTC (ma: Multiaddr): boolean {
  return ma.getComponents().some(c => c.name === 'webrtc')
}

/**
 * Events after which the node's own addresses may have changed. A relay
 * listener emits 'transport:listening' as soon as its reservation is made;
 * 'self:peer:update' comes later (libp2p's address manager debounces it by 1 s).
 */
const ADDRESS_EVENTS = ['transport:listening', 'self:peer:update'] as const

/**
 * Waits until `done()` holds, re-checking whenever the node's own addresses
 * may have changed (ADDRESS_EVENTS); rejects after `timeout` ms.
 */
async function waitForAddresses (node: PeerNode, done: () => boolean, timeout: number, what: string): Promise<void> {
  if (done()) { return }
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (done()) {
        cleanup()
        resolve()
      }
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`timed out after ${timeout} ms waiting for ${what}; addresses: ${node.getMultiaddrs().map(String).join(' ')}`))
    }, timeout)
    const cleanup = (): void => {
      clearTimeout(timer)
      for (const event of ADDRESS_EVENTS) { node.removeEventListener(event, check) }
    }
    for (const event of ADDRESS_EVENTS) { node.addEventListener(event, check) }
  })
}

/** Waits (bounded) for `conn` to close */
async function waitForClose (conn: Connection, timeout: number): Promise<void> {
  if (conn.status === 'closed') { return }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`connection to ${conn.remoteAddr.toString()} still ${conn.status} after ${timeout} ms`)) }, timeout)
    conn.addEventListener('close', () => {
      clearTimeout(timer)
      resolve()
    }, { once: true })
  })
}

/**
 * The ping protocol (/ipfs/ping/1.0.0) on one given connection: 32 random
 * bytes out, the same 32 back. Returns the round trip in ms.
 */
async function pingOver (conn: Connection): Promise<number> {
  const signal = AbortSignal.timeout(DIAL_TIMEOUT)
  const started = Date.now()
  const stream = await conn.newStream('/ipfs/ping/1.0.0', { signal, runOnLimitedConnection: true })
  const sent = randomBytes(32)
  stream.send(sent)
  const received: Buffer[] = []
  let length = 0
  for await (const chunk of stream) {
    received.push(Buffer.from(chunk.subarray()))
    length += chunk.byteLength
    if (length >= sent.length) { break }
  }
  const rtt = Date.now() - started
  await stream.close({ signal })
  expect(Buffer.concat(received).subarray(0, sent.length).equals(sent)).to.be.true('the ping echo differs from what was sent')
  return rtt
}

describe('WebRTC between Node peers that listen only via a relay', function () {
  this.timeout(60_000)

  let dir: string
  let relay: Relay | undefined
  let relayWs: Multiaddr
  let a: PeerNode | undefined
  let b: PeerNode | undefined
  let c: PeerNode | undefined
  let relayed: Connection | undefined
  let direct: Connection | undefined
  const timings: Record<string, number> = {}

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hypha-webrtc-'))
    relay = await startRelay(['--listen', '/ip4/127.0.0.1/tcp/0/ws', '--listen', '/ip4/127.0.0.1/tcp/0', '--data', join(dir, 'relay')])
    const ws = relay.multiaddrs.find(a => a.includes('/ws'))
    expect(ws, 'the relay has no WebSocket address').to.be.a('string')
    relayWs = multiaddr(ws ?? '')
    expect(relayWs.toString()).to.include(`/p2p/${relay.peerId}`)

    a = await createPeerNode({ bootstrap: [], allowLoopback: true, listen: RELAY_ONLY })
    b = await createPeerNode({ bootstrap: [], allowLoopback: true, listen: RELAY_ONLY })

    // each peer reaches the relay over WebSocket and reserves a slot there
    const started = Date.now()
    await Promise.all([a, b].map(async node => {
      const hasCircuit = (): boolean => node.getMultiaddrs().some(ma => isCircuit(ma) && !isWebRTC(ma))
      const reserved = waitForAddresses(node, hasCircuit, RESERVATION_TIMEOUT, 'a relay reservation')
      await node.dial(relayWs, { signal: AbortSignal.timeout(DIAL_TIMEOUT) })
      await reserved
    }))
    timings.reservation = Date.now() - started
  })

  after(async () => {
    await Promise.all([a, b, c].map(async node => node?.stop()))
    a = b = c = undefined
    await stopRelay(relay, 'SIGKILL')
    relay = undefined
    await rm(dir, { recursive: true, force: true })
    // timings of this run, for the record
    // eslint-disable-next-line no-console
    console.info('      webrtc timings (ms):', JSON.stringify(timings))
  })

  it('advertises only addresses through the relay', () => {
    for (const node of [a, b]) {
      const addrs = node?.getMultiaddrs() ?? []
      expect(addrs).to.have.length.greaterThan(0)
      for (const ma of addrs) {
        // /ip4/127.0.0.1/tcp/<relay port>/ws/p2p/<relay>/p2p-circuit[/webrtc]/p2p/<self>
        expect(ma.toString()).to.include(`/p2p/${relay?.peerId}/p2p-circuit`)
        expect(ma.toString()).to.match(new RegExp(`/p2p/${node?.peerId.toString()}$`))
      }
      // the relay address and the same address + /webrtc
      expect(addrs.some(ma => !isWebRTC(ma))).to.be.true()
      expect(addrs.some(ma => isWebRTC(ma))).to.be.true()
    }
  })

  it('dials the other peer at its /p2p-circuit address: a limited, relayed connection', async () => {
    if (a == null || b == null) { throw new Error('no peers') }
    const target = b.getMultiaddrs().find(ma => isCircuit(ma) && !isWebRTC(ma))
    if (target == null) { throw new Error('B has no circuit address') }

    const started = Date.now()
    relayed = await a.dial(target, { signal: AbortSignal.timeout(DIAL_TIMEOUT) })
    timings.circuitDial = Date.now() - started

    expect(relayed.remotePeer.equals(b.peerId)).to.be.true()
    expect(relayed.remoteAddr.toString()).to.include('/p2p-circuit')
    expect(relayed.limits, 'a relayed connection carries the relay limits').to.exist()
    expect(relayed.direct).to.be.false()
    // limited connections still carry protocols that allow it, such as ping
    timings.circuitPing = await pingOver(relayed)
  })

  it('upgrades to a direct WebRTC connection at the address B advertises, and pings over it', async () => {
    if (a == null || b == null) { throw new Error('no peers') }
    const target = b.getMultiaddrs().find(ma => isWebRTC(ma))
    if (target == null) { throw new Error('B has no /webrtc address') }
    expect(target.toString()).to.include('/p2p-circuit/webrtc/p2p/')

    const started = Date.now()
    direct = await upgradeToWebRTC(a, target, { signal: AbortSignal.timeout(DIAL_TIMEOUT) })
    timings.webrtcDial = Date.now() - started

    expect(direct).to.not.equal(relayed)
    expect(direct.remotePeer.equals(b.peerId)).to.be.true()
    expect(direct.remoteAddr.toString()).to.include('/webrtc')
    expect(direct.limits, 'a WebRTC connection has no relay limits').to.be.undefined()
    expect(direct.status).to.equal('open')

    // B sees the same connection, inbound and unlimited
    const inbound = b.getConnections(a.peerId).find(conn => isWebRTC(conn.remoteAddr))
    expect(inbound, 'B has no WebRTC connection from A').to.exist()
    expect(inbound?.limits).to.be.undefined()

    timings.webrtcPing = await pingOver(direct)
    // the ping service picks the unlimited connection
    const rtt = await (a.services.ping as Ping).ping(b.peerId, { signal: AbortSignal.timeout(DIAL_TIMEOUT) })
    expect(rtt).to.be.a('number')
  })

  it('does not reach a peer without a reservation at a circuit address', async () => {
    if (a == null) { throw new Error('no peers') }
    // C is connected to the relay but listens nowhere, so it reserves nothing
    c = await createPeerNode({ bootstrap: [], allowLoopback: true, listen: [] })
    await c.dial(relayWs, { signal: AbortSignal.timeout(DIAL_TIMEOUT) })
    expect(c.getMultiaddrs()).to.be.empty()

    const target = relayWs.encapsulate(`/p2p-circuit/p2p/${c.peerId.toString()}`)
    const err = await a.dial(target, { signal: AbortSignal.timeout(DIAL_TIMEOUT) }).then(
      () => { throw new Error('dialed a peer that holds no reservation') },
      (err: Error) => err
    )
    expect(err.name).to.equal('InvalidMessageError')
    expect(err.message).to.include('NO_RESERVATION')
    expect(a.getConnections(c.peerId)).to.be.empty()
  })

  it('keeps the WebRTC connection when the relay goes away', async () => {
    if (a == null || b == null || direct == null || relayed == null) { throw new Error('no connections') }
    const stderr = relay?.stderr() ?? ''
    const exit = await stopRelay(relay, 'SIGTERM')
    expect(exit?.code, `hypha-relay's stderr: ${stderr}`).to.equal(0)

    // the relayed connection dies with the relay...
    await waitForClose(relayed, DIAL_TIMEOUT)
    expect(a.getConnections().some(conn => conn.remotePeer.toString() === relay?.peerId)).to.be.false()

    // ...the WebRTC connection carries on: data flows between the peers directly
    expect(direct.status).to.equal('open')
    expect(a.getConnections(b.peerId)).to.deep.equal([direct])
    timings.pingWithoutRelay = await pingOver(direct)
    const rtt = await (a.services.ping as Ping).ping(b.peerId, { signal: AbortSignal.timeout(DIAL_TIMEOUT) })
    expect(rtt).to.be.a('number')
    expect(a.getConnections(b.peerId)).to.deep.equal([direct])
  })
})
