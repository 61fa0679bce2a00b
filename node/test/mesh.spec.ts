/**
 * Separate `hypha` processes on 127.0.0.1 around one `hypha-bootstrap`
 * (bootstrap/, built by the root `npm test` before any test runs).
 */

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { BOOTSTRAP_BIN, finished, jsonLines, run, start } from './fixtures/cli.ts'
import type { RunResult } from './fixtures/cli.ts'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'

const MESSAGES = 20

/** A long-running process (`hypha listen --json`, `hypha-bootstrap --json`), its output parsed line by line */
class Listener {
  readonly child: ChildProcessWithoutNullStreams
  readonly lines: Array<Record<string, any>> = []
  readonly result: Promise<RunResult>
  private buffer = ''

  constructor (args: string[], env: Record<string, string>, bin?: string) {
    this.child = start(args, { env, bin })
    this.result = finished(this.child)
    this.child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk
      let newline: number
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(JSON.parse(this.buffer.slice(0, newline)))
        this.buffer = this.buffer.slice(newline + 1)
      }
    })
  }

  /** Resolves once `count` lines match, rejects after `ms` or if the process ends first */
  async waitFor (match: (line: Record<string, any>) => boolean, count = 1, ms = 30_000): Promise<Array<Record<string, any>>> {
    const deadline = Date.now() + ms
    for (;;) {
      const found = this.lines.filter(match)
      if (found.length >= count) { return found }
      if (this.child.exitCode != null) { throw new Error(`listener exited with ${this.child.exitCode}: ${(await this.result).stderr}`) }
      if (Date.now() > deadline) { throw new Error(`only ${found.length} of ${count} expected lines within ${ms} ms`) }
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }

  async stop (): Promise<RunResult> {
    this.child.kill('SIGTERM')
    return this.result
  }
}

describe('hypha processes over a mesh on 127.0.0.1', function () {
  this.timeout(300_000)
  let dir: string
  let bootstrap: Listener
  let listeners: Listener[] = []

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hypha-mesh-'))
    bootstrap = new Listener(['--json', '--allow-loopback', '--data', join(dir, 'bootstrap'), '--listen', '/ip4/127.0.0.1/tcp/0'], {}, BOOTSTRAP_BIN)
    listeners.push(bootstrap)
    await bootstrap.waitFor(line => line.event === 'ready')
  })

  after(async () => {
    for (const listener of listeners) {
      if (listener.child.exitCode == null && listener.child.signalCode == null) {
        listener.child.kill('SIGKILL')
        await listener.result
      }
    }
    listeners = []
    await rm(dir, { recursive: true, force: true })
  })

  it(`A sends ${MESSAGES} messages to B, each delivered with a receipt; C on B's inbox bucket reads nothing`, async () => {
    const [ready] = await bootstrap.waitFor(line => line.event === 'ready')
    const env = { HYPHA_BOOTSTRAP: ready.multiaddrs[0], HYPHA_ALLOW_LOOPBACK: '1' }
    const [homeA, homeB, homeC] = ['a', 'b', 'c'].map(name => join(dir, name))

    const inits = await Promise.all([homeA, homeB, homeC].map(async (home, i) => run(['--home', home, '--json', 'init', '--name', 'ABC'[i]], { env })))
    for (const init of inits) { expect(init.code, init.stderr).to.equal(0) }
    const [userA, userB] = inits.map(init => jsonLines(init.stdout)[0].userId as string)

    const b = new Listener(['--home', homeB, '--json', 'listen'], env)
    listeners.push(b)
    const [readyB] = await b.waitFor(line => line.type === 'ready')
    expect(readyB.userId).to.equal(userB)

    const c = new Listener(['--home', homeC, '--json', 'listen', '--watch', userB], env)
    listeners.push(c)
    await c.waitFor(line => line.type === 'ready')

    const added = await run(['--home', homeA, '--json', 'contact', 'add', userB, '--name', 'bob'], { env })
    expect(added.code, added.stderr).to.equal(0)
    expect(jsonLines(added.stdout)[0]).to.include({ type: 'contact', userId: userB, alias: 'bob', devices: 1 })

    const texts = Array.from({ length: MESSAGES }, (_, i) => `message ${i}: hello from A`)
    const sentIds: string[] = []
    for (const text of texts) {
      const sent = await run(['--home', homeA, '--json', 'send', 'bob', text], { env })
      expect(sent.code, sent.stderr).to.equal(0)
      const [line] = jsonLines(sent.stdout)
      expect(line, `${text}: ${sent.stderr}`).to.include({ type: 'sent', to: userB, delivered: true })
      sentIds.push(line.id)
    }

    // B printed each message once, in order; C saw every envelope and opened none
    await b.waitFor(line => line.type === 'message', MESSAGES)
    const envelopes = await c.waitFor(line => line.type === 'envelope', MESSAGES)

    const [stoppedB, stoppedC] = await Promise.all([b.stop(), c.stop()])
    expect(stoppedB.code, stoppedB.stderr).to.equal(0)
    expect(stoppedC.code, stoppedC.stderr).to.equal(0)
    const stoppedBootstrap = await bootstrap.stop()
    expect(stoppedBootstrap.code, stoppedBootstrap.stderr).to.equal(0)

    const received = b.lines.filter(line => line.type === 'message')
    expect(received.map(m => m.text)).to.deep.equal(texts)
    expect(received.map(m => m.id)).to.deep.equal(sentIds)
    expect(received.every(m => m.from === userA)).to.be.true()

    expect(c.lines.some(line => line.type === 'message')).to.be.false()
    expect(envelopes.every(e => e.decrypted === false)).to.be.true()
    expect(new Set(envelopes.map(e => e.id)).size).to.equal(envelopes.length)

    const history = await run(['--home', homeA, '--json', 'history', 'bob'], { env })
    expect(history.code, history.stderr).to.equal(0)
    const stored = jsonLines(history.stdout)
    expect(stored.map(m => m.text)).to.deep.equal(texts)
    expect(stored.every(m => m.state === 'delivered' && m.direction === 'out')).to.be.true()
  })
})
