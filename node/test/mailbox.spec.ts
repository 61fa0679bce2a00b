/**
 * Offline delivery through the bootstrap nodes' mailboxes, with separate
 * processes on 127.0.0.1: three `hypha-bootstrap` nodes (each with its
 * mailbox), and `hypha` peers A and B that are never online at the same time.
 */

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { jsonLines, run } from './fixtures/cli.ts'
import { startBootstrap } from './fixtures/mesh.ts'
import type { Proc } from './fixtures/mesh.ts'

describe('offline delivery through mailboxes (processes on 127.0.0.1)', function () {
  this.timeout(300_000)
  let dir: string
  let procs: Proc[] = []

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hypha-mailbox-'))
  })

  afterEach(async () => {
    await Promise.all(procs.map(async proc => proc.kill()))
    procs = []
    await rm(dir, { recursive: true, force: true })
  })

  async function hypha (args: string[], env: Record<string, string>, input?: string): Promise<Array<Record<string, any>>> {
    const result = await run(['--json', ...args], { env, input })
    expect(result.code, `hypha ${args.join(' ')}: ${result.stderr}`).to.equal(0)
    return jsonLines(result.stdout)
  }

  it('B offline, A sends 100 and leaves, a mailbox node is SIGKILLed; B syncs all 100 in order, once; A then sees the receipts', async () => {
    const bootstraps = await Promise.all([0, 1, 2].map(async i => startBootstrap(join(dir, `bootstrap-${i}`))))
    procs.push(...bootstraps.map(b => b.proc))
    const env = { HYPHA_BOOTSTRAP: bootstraps.map(b => b.ready.multiaddrs[0]).join(','), HYPHA_ALLOW_LOOPBACK: '1' }
    const [homeA, homeB] = [join(dir, 'a'), join(dir, 'b')]
    const [userA] = (await hypha(['--home', homeA, 'init', '--name', 'A'], env)).map(l => l.userId)
    const [userB] = (await hypha(['--home', homeB, 'init', '--name', 'B'], env)).map(l => l.userId)

    // B is online once (its device list, prekeys and mailbox list go to the DHT), then offline
    const first = await hypha(['--home', homeB, 'sync'], env)
    expect(first).to.deep.equal([{ type: 'sync', messages: 0, envelopes: 0, reached: 3, failed: 0, missing: 0 }])

    // A: B by user id alone; 100 messages in one run, not waiting for receipts (B is offline)
    await hypha(['--home', homeA, 'contact', 'add', userB, '--name', 'bob'], env)
    const texts = Array.from({ length: 100 }, (_, i) => `offline message ${i + 1} of 100`)
    const sent = await hypha(['--home', homeA, 'send', 'bob', '-', '--timeout', '0'], env, texts.join('\n') + '\n')
    expect(sent).to.have.length(100)
    const peerIds = bootstraps.map(b => b.ready.peerId)
    for (const line of sent) {
      expect(line, JSON.stringify(line)).to.include({ type: 'sent', to: userB, stored: 3, durable: true, delivered: false })
      expect([...line.mailboxes].sort()).to.deep.equal([...peerIds].sort())
    }
    const ids = sent.map(line => line.id)
    expect(new Set(ids).size).to.equal(100)

    // one volunteer dies without warning
    await bootstraps[2].proc.kill()

    // B comes back: every message from the two mailboxes left, once each, in order
    const synced = await hypha(['--home', homeB, 'sync'], env)
    const messages = synced.filter(l => l.type === 'message')
    expect(messages.map(m => m.text)).to.deep.equal(texts)
    expect(messages.map(m => m.id)).to.deep.equal(ids)
    for (const m of messages) { expect(m.from).to.equal(userA) }
    expect(synced.at(-1)).to.deep.equal({ type: 'sync', messages: 100, envelopes: 100, reached: 2, failed: 1, missing: 0 })

    // acknowledged and deleted: nothing twice
    const again = await hypha(['--home', homeB, 'sync'], env)
    expect(again).to.deep.equal([{ type: 'sync', messages: 0, envelopes: 0, reached: 2, failed: 1, missing: 0 }])
    const historyB = await hypha(['--home', homeB, 'history', userA], env)
    expect(historyB.map(m => m.text)).to.deep.equal(texts)

    // B's receipts waited in A's mailboxes; A picks them up
    await hypha(['--home', homeA, 'sync'], env)
    const historyA = await hypha(['--home', homeA, 'history', 'bob'], env)
    expect(historyA.map(m => m.id)).to.deep.equal(ids)
    expect(historyA.map(m => m.state)).to.deep.equal(Array(100).fill('delivered'))
  })
})
