/**
 * Separate `hypha` processes on 127.0.0.1 around one `hypha-bootstrap`
 * (bootstrap/, built by the root `npm test` before any test runs).
 *
 * A adds B by its user id alone: everything else (device list, prekeys, the
 * way to B's inbox) comes over the mesh. C watches B's inbox bucket.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { encryptKeystoreJson, Wallet } from 'ethers'
import { jsonLines, run } from './fixtures/cli.ts'
import { freePort, Proc, startBootstrap } from './fixtures/mesh.ts'
import type { Line } from './fixtures/mesh.ts'

/** The keys of an `envelope` line of `listen --watch`: no sender among them */
const ENVELOPE_KEYS = ['bytes', 'decrypted', 'id', 'topic', 'type']

describe('hypha processes over a mesh on 127.0.0.1', function () {
  let dir: string
  let procs: Proc[] = []

  /** A process killed by afterEach if the test did not stop it */
  function spawn (args: string[], env: Record<string, string>): Proc {
    const proc = new Proc(args, env)
    procs.push(proc)
    return proc
  }

  async function bootstrapAt (data: string, listen?: string): ReturnType<typeof startBootstrap> {
    const started = await startBootstrap(data, listen)
    procs.push(started.proc)
    return started
  }

  /** `hypha init` in a fresh home; resolves with the user id */
  async function init (home: string, env: Record<string, string>, ...args: string[]): Promise<string> {
    const result = await run(['--home', home, '--json', 'init', ...args], { env })
    expect(result.code, result.stderr).to.equal(0)
    return jsonLines(result.stdout)[0].userId
  }

  /** `hypha listen --json` (plus `args`), once it printed its ready line */
  async function listen (home: string, env: Record<string, string>, ...args: string[]): Promise<{ proc: Proc, ready: Line }> {
    const proc = spawn(['--home', home, '--json', 'listen', ...args], env)
    const [ready] = await proc.waitFor(line => line.type === 'ready')
    return { proc, ready }
  }

  async function addContact (home: string, userId: string, alias: string, env: Record<string, string>): Promise<void> {
    const added = await run(['--home', home, '--json', 'contact', 'add', userId, '--name', alias], { env })
    expect(added.code, added.stderr).to.equal(0)
    expect(jsonLines(added.stdout)[0]).to.include({ type: 'contact', userId, alias, devices: 1 })
  }

  /** One `hypha send` per text, one after the other; each must report its delivery receipt. Resolves with the message ids */
  async function sendAll (home: string, to: string, toUserId: string, texts: string[], env: Record<string, string>): Promise<string[]> {
    const ids: string[] = []
    for (const text of texts) {
      const sent = await run(['--home', home, '--json', 'send', to, text], { env })
      expect(sent.code, `${text}: ${sent.stderr}`).to.equal(0)
      const lines = jsonLines(sent.stdout)
      expect(lines, text).to.have.lengthOf(1)
      expect(lines[0], `${text}: ${sent.stderr}`).to.include({ type: 'sent', to: toUserId, delivered: true })
      ids.push(lines[0].id)
    }
    return ids
  }

  /** A's side of the conversation: every message out and delivered, in order */
  async function expectDelivered (home: string, alias: string, texts: string[], ids: string[], env: Record<string, string>): Promise<void> {
    const history = await run(['--home', home, '--json', 'history', alias], { env })
    expect(history.code, history.stderr).to.equal(0)
    const stored = jsonLines(history.stdout)
    expect(stored.map(m => m.text)).to.deep.equal(texts)
    expect(stored.map(m => m.id)).to.deep.equal(ids)
    for (const m of stored) {
      expect(m, m.text).to.include({ type: 'history', direction: 'out', state: 'delivered' })
    }
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hypha-mesh-'))
  })

  afterEach(async () => {
    await Promise.all(procs.map(async proc => proc.kill()))
    procs = []
    await rm(dir, { recursive: true, force: true })
  })

  /**
   * The main scenario: A sends `messages` messages to B, each with
   * its own `hypha send`, which waits for B's delivery receipt. B prints
   * every message once, in order; C, on B's inbox bucket, sees every
   * envelope and can tell neither its content nor its sender.
   */
  async function scenario (messages: number, initA: (home: string, env: Record<string, string>) => Promise<string>, hidden: (userA: string) => string[]): Promise<void> {
    const { proc: bootstrap, ready } = await bootstrapAt(join(dir, 'bootstrap'))
    const env = { HYPHA_BOOTSTRAP: ready.multiaddrs[0], HYPHA_ALLOW_LOOPBACK: '1' }
    const [homeA, homeB, homeC] = ['a', 'b', 'c'].map(name => join(dir, name))

    const [userA, userB] = await Promise.all([
      initA(homeA, env),
      init(homeB, env, '--name', 'B'),
      init(homeC, env, '--name', 'C')
    ])

    const { proc: b, ready: readyB } = await listen(homeB, env)
    expect(readyB.userId).to.equal(userB)
    const { proc: c } = await listen(homeC, env, '--watch', userB)

    // all A knows of B is the user id
    await addContact(homeA, userB, 'bob', env)
    const texts = Array.from({ length: messages }, (_, i) => `message ${i + 1} of ${messages}: hello from A`)
    const ids = await sendAll(homeA, 'bob', userB, texts, env)
    expect(new Set(ids).size).to.equal(messages)

    // a receipt may leave B before its message line: wait for the lines, then stop
    await b.waitFor(line => line.type === 'message', messages)
    await c.waitFor(line => line.type === 'envelope', messages)
    const [stoppedB, stoppedC, stoppedBootstrap] = await Promise.all([b.stop(), c.stop(), bootstrap.stop()])
    expect(stoppedB.code, stoppedB.stderr).to.equal(0)
    expect(stoppedC.code, stoppedC.stderr).to.equal(0)
    expect(stoppedBootstrap.code, stoppedBootstrap.stderr).to.equal(0)

    // B: each message exactly once, in order, from A
    expect(b.lines.filter(line => line.type === 'unparsable')).to.deep.equal([])
    const received = b.lines.filter(line => line.type === 'message')
    expect(received.map(m => m.id)).to.deep.equal(ids)
    expect(received.map(m => m.text)).to.deep.equal(texts)
    for (const m of received) { expect(m.from, m.text).to.equal(userA) }

    // C: the envelopes (and possibly others on the same bucket), none opened, no sender named anywhere
    expect(c.lines.filter(line => line.type === 'unparsable')).to.deep.equal([])
    expect(c.lines.filter(line => line.type === 'message')).to.deep.equal([])
    const envelopes = c.lines.filter(line => line.type === 'envelope')
    expect(envelopes.length).to.be.at.least(messages)
    expect(new Set(envelopes.map(e => e.id)).size).to.equal(envelopes.length)
    for (const e of envelopes) {
      expect(Object.keys(e).sort(), JSON.stringify(e)).to.deep.equal(ENVELOPE_KEYS)
      expect(e.decrypted, JSON.stringify(e)).to.equal(false)
    }
    const seenByC = c.output.toLowerCase()
    for (const secret of [...hidden(userA), 'hello from A']) {
      expect(seenByC, `C's output names ${secret}`).to.not.include(secret.toLowerCase())
    }

    // A: the receipts are on record
    await expectDelivered(homeA, 'bob', texts, ids, env)
  }

  it('A sends 100 messages to B, each delivered with a receipt; B prints each once, in order; C on B\'s inbox bucket reads nothing', async function () {
    // ~1 to 2 s per `hypha send` (a process that starts a peer, joins the mesh, waits for the receipt)
    this.timeout(400_000)
    await scenario(100, async (home, env) => init(home, env, '--name', 'A'), userA => [userA])
  })

  it('the same with A a wallet user (did:pkh): B verifies the wallet-authorized device list and sees messages from the did:pkh id', async function () {
    // 20 messages are enough: the pipeline is the one of the test above; what
    // this one adds is A's device list authorized by a wallet (SIWE), which B
    // verifies when A's first message opens the session
    this.timeout(120_000)
    const wallet = Wallet.createRandom()
    const password = 'correct horse battery staple'
    const address = wallet.address
    const keystore = join(dir, 'keystore.json')
    // cheap scrypt: the CLI decrypts with the parameters the keystore names
    await writeFile(keystore, await encryptKeystoreJson({ address, privateKey: wallet.privateKey }, password, { scrypt: { N: 1024 } }))

    await scenario(20, async (home, env) => {
      const userA = await init(home, { ...env, HYPHA_WALLET_PASSWORD: password }, '--wallet-keystore', keystore, '--name', 'A')
      expect(userA).to.equal(`did:pkh:eip155:1:${address}`)
      return userA
    }, userA => [userA, address.slice(2)])
  })

  it('B\'s listen reconnects by itself after the bootstrap node is killed and restarted; the next message arrives', async function () {
    this.timeout(120_000)
    const data = join(dir, 'bootstrap')
    const listenAddr = `/ip4/127.0.0.1/tcp/${await freePort()}`
    const first = await bootstrapAt(data, listenAddr)
    const bootstrapId = first.ready.peerId
    const env = { HYPHA_BOOTSTRAP: first.ready.multiaddrs[0], HYPHA_ALLOW_LOOPBACK: '1' }
    const [homeA, homeB] = ['a', 'b'].map(name => join(dir, name))
    const [, userB] = await Promise.all([init(homeA, env, '--name', 'A'), init(homeB, env, '--name', 'B')])

    // HYPHA_DEBUG: B's listen logs its disconnects and connects on stderr
    const { proc: b } = await listen(homeB, { ...env, HYPHA_DEBUG: '1' })
    await addContact(homeA, userB, 'bob', env)
    const texts = ['before the restart', 'after the restart']
    const ids = await sendAll(homeA, 'bob', userB, texts.slice(0, 1), env)
    await b.waitFor(line => line.type === 'message')

    const connected = (line: string): boolean => line.endsWith(`connected to ${bootstrapId}`)
    const connectsBefore = b.errLines.filter(connected).length

    const killed = await first.proc.kill()
    expect(killed.code).to.equal(null)
    await b.waitForErr(line => line.endsWith(`disconnected from ${bootstrapId}`))

    // same data dir (peer key, datastore), same port: the same address
    const second = await bootstrapAt(data, listenAddr)
    expect(second.ready.peerId).to.equal(bootstrapId)
    expect(second.ready.multiaddrs).to.include(env.HYPHA_BOOTSTRAP)

    // nothing tells B: it redials the keep-alive bootstrap peer on its own
    await b.waitForErr(connected, connectsBefore + 1)
    ids.push(...await sendAll(homeA, 'bob', userB, texts.slice(1), env))

    const stoppedB = await b.stop()
    expect(stoppedB.code, stoppedB.stderr).to.equal(0)
    const received = b.lines.filter(line => line.type === 'message')
    expect(received.map(m => m.id)).to.deep.equal(ids)
    expect(received.map(m => m.text)).to.deep.equal(texts)
    await expectDelivered(homeA, 'bob', texts, ids, env)
  })
})
