/**
 * Crashes: a SIGKILL of a bootstrap/mailbox node during traffic, of a peer
 * while it sends, of a peer while messages arrive, each restarted on its data
 * (same data dir, same port, same home). Every node is a real process
 * (`hypha-bootstrap`; peers are `crash-peer.ts`, the shipped `@hypha/node`
 * library wired as the `hypha` CLI wires it), so no shutdown code runs.
 *
 * What is counted comes from the databases on disk once every process has
 * stopped: the sender's history (each message's delivery state, and how many
 * mailboxes signed a storage receipt for it) against the receiver's history.
 * A message is "receipted" when the receiver's delivery receipt came back
 * (state `delivered`, or a `receipt` line) or a mailbox signed a storage
 * receipt for it: either promises the message will be (or was) stored at the
 * receiver. Target: none of those missing from the receiver's history, none
 * stored or shown twice, and after every restart the next messages both ways
 * decrypt.
 */

import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MessengerStore } from '@hypha/core'
import { openDatabase } from '@hypha/node'
import { SUITE_STAMP_DIFFICULTY, startHub, until } from './mesh.ts'
import { Proc, freePort, startBootstrap, tempDir } from './processes.ts'
import type { Line } from './processes.ts'
import type { Row, Scenario, SuiteOptions } from './report.ts'
import type { StoredMessage } from '@hypha/core'

const HERE = fileURLToPath(import.meta.url)
const FROM_SOURCE = HERE.endsWith('.ts')

/** The crash peer's entry: next to this file (built: dist/src/crash-peer.js) */
export const CRASH_PEER_BIN = join(dirname(HERE), FROM_SOURCE ? 'crash-peer.ts' : 'crash-peer.js')

/** Run from source (mocha on src/), the child needs the same type stripping */
const CHILD_ENV: Record<string, string> = FROM_SOURCE ? { NODE_OPTIONS: '--experimental-transform-types --no-warnings' } : {}

const TARGET = '0 lost among receipted; next messages decrypt'

/** How long a peer process may take to be ready (dial, DHT, mailboxes, records, sync) */
const READY_TIMEOUT = 30_000
/** How long the next message after a restart may take to arrive */
const PROBE_TIMEOUT = 15_000
/** How long receipts may take to come back once traffic stopped */
const SETTLE_TIMEOUT = 15_000

const SIZES = {
  ci: { bootMessages: 30, bootKills: 1, burst: 12, senderKills: 2, receiverKills: 2, interval: 30 },
  full: { bootMessages: 120, bootKills: 3, burst: 30, senderKills: 6, receiverKills: 6, interval: 30 }
}
type Size = typeof SIZES.ci

/** Messages missing from a receiver's history, and ids stored more than once */
export interface Loss {
  lost: string[]
  duplicates: string[]
}

/**
 * The loss count: every receipted id must be in the receiver's history, and
 * no id may be there twice
 */
export function countLoss (receipted: Iterable<string>, history: Array<Pick<StoredMessage, 'id'>>): Loss {
  const stored = new Map<string, number>()
  for (const m of history) { stored.set(m.id, (stored.get(m.id) ?? 0) + 1) }
  return {
    lost: [...new Set(receipted)].filter(id => !stored.has(id)),
    duplicates: [...stored].filter(([, n]) => n > 1).map(([id]) => id)
  }
}

/** Ids of `message` lines printed more than once across the runs of one receiver (a message shown twice) */
export function shownTwice (runs: Array<{ lines: Line[] }>): string[] {
  const shown = new Map<string, number>()
  for (const line of runs.flatMap(run => run.lines)) {
    if (line.event === 'message') { shown.set(line.id, (shown.get(line.id) ?? 0) + 1) }
  }
  return [...shown].filter(([, n]) => n > 1).map(([id]) => id)
}

/** The ids a sender holds as receipted: delivered, a receipt line seen, or stored at a mailbox */
export function receiptedIds (sent: StoredMessage[], runs: Array<{ lines: Line[] }>): { delivery: Set<string>, storage: Set<string>, any: Set<string> } {
  const lines = new Set(runs.flatMap(run => run.lines).filter(line => line.event === 'receipt').map(line => String(line.id)))
  const delivery = new Set(sent.filter(m => m.state === 'delivered' || lines.has(m.id)).map(m => m.id))
  const storage = new Set(sent.filter(m => (m.mailboxes ?? 0) > 0).map(m => m.id))
  return { delivery, storage, any: new Set([...delivery, ...storage]) }
}

/** A conversation as stored in a home's database (the process must be gone: level locks it) */
async function historyOnDisk (home: string, peer: string): Promise<StoredMessage[]> {
  const db = await openDatabase(home, { create: false })
  try {
    return await new MessengerStore(db).history(peer)
  } finally {
    await db.close()
  }
}

/** A small seeded PRNG (mulberry32): kill points are random but a run can be repeated */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/** true once `wait` resolves, false when it rejects (a timeout, or the process died) */
async function reached (wait: Promise<unknown>): Promise<boolean> {
  return wait.then(() => true, () => false)
}

/** The text's tag (`<tag> <i>`) */
function tagOf (text: string): string {
  return text.slice(0, text.lastIndexOf(' '))
}

/**
 * Every peer process of a scenario: restarts on the same home, SIGKILLs
 * (expected), graceful stops (exit 0 expected); any other end is a crash.
 */
class Peers {
  readonly all: Proc[] = []
  private readonly ended = new Set<Proc>()
  private readonly bad: string[] = []

  /** Starts a peer on `home` and waits for its ready line */
  async start (home: string, bootstrap: string[], extra: string[] = []): Promise<{ proc: Proc, ready: Line }> {
    const proc = new Proc(CRASH_PEER_BIN, ['--home', home, ...bootstrap.flatMap(addr => ['--bootstrap', addr]), ...extra], CHILD_ENV, { stdin: true })
    this.all.push(proc)
    try {
      const [ready] = await proc.waitFor(line => line.event === 'ready', 1, READY_TIMEOUT)
      return { proc, ready }
    } catch (err: any) {
      this.bad.push(`a peer did not start: ${String(err.message).slice(0, 200)}`)
      throw err
    }
  }

  /** SIGKILL */
  async kill (proc: Proc): Promise<void> {
    this.ended.add(proc)
    await proc.kill()
  }

  /** SIGTERM; anything but exit 0 counts as a crash */
  async stop (proc: Proc): Promise<void> {
    this.ended.add(proc)
    if (!proc.running) {
      this.bad.push(`a peer died before it was stopped: ${proc.errLines.slice(-3).join(' | ')}`)
      return
    }
    const code = await proc.stop()
    if (code !== 0) { this.bad.push(`a peer exited ${String(code)} on SIGTERM: ${proc.errLines.slice(-3).join(' | ')}`) }
  }

  /** Processes that ended without being killed or stopped, and stops that failed */
  crashes (): string[] {
    return [...this.bad, ...this.all.filter(p => !p.running && !this.ended.has(p)).map(p => `a peer died: ${p.errLines.slice(-3).join(' | ')}`)]
  }

  async killAll (): Promise<void> {
    await Promise.all(this.all.map(async proc => proc.kill()))
  }
}

/** The `sent` lines of these runs */
function sentLines (runs: Proc[], match: (line: Line) => boolean = () => true): Line[] {
  return runs.flatMap(run => run.lines).filter(line => line.event === 'sent' && match(line))
}

/** `from` sends one message tagged `tag`; true once `to` printed it */
async function probe (from: Proc, to: Proc, toUserId: string, tag: string): Promise<boolean> {
  from.send({ cmd: 'send', to: toUserId, count: 1, tag })
  return reached(to.waitFor(line => line.event === 'message' && line.text === `${tag} 0`, 1, PROBE_TIMEOUT))
}

/** Envelopes dropped by these runs, by error name (DuplicateMessageError: a replay of what was already decrypted) */
function drops (runs: Proc[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const line of runs.flatMap(run => run.lines)) {
    if (line.event === 'dropped') { counts[line.error] = (counts[line.error] ?? 0) + 1 }
  }
  return counts
}

function describeDrops (counts: Record<string, number>): string {
  const entries = Object.entries(counts)
  return entries.length === 0 ? 'none' : entries.map(([name, n]) => `${n} ${name}`).join(', ')
}

/** Unexpected drops: anything but a replay of an envelope already decrypted */
function undecryptable (counts: Record<string, number>): number {
  return Object.entries(counts).filter(([name]) => name !== 'DuplicateMessageError').reduce((n, [, count]) => n + count, 0)
}

/**
 * A `hypha-bootstrap` (the only bootstrap and mailbox node) is SIGKILLed
 * during traffic from A to C (online) and D (offline, so its messages sit
 * in the mailbox), and restarted on the same data dir and port; the peers
 * redial it by themselves; D comes online and syncs.
 */
async function bootstrapCrash (size: Size, random: () => number, progress: (line: string) => void): Promise<Row> {
  const dir = await tempDir('crash-bootstrap')
  const peers = new Peers()
  const boots: Proc[] = []
  try {
    const port = await freePort()
    const args = ['--data', join(dir.path, 'bootstrap'), '--listen', `/ip4/127.0.0.1/tcp/${port}`, '--allow-loopback', '--mailbox-difficulty', String(SUITE_STAMP_DIFFICULTY)]
    const first = await startBootstrap(args)
    boots.push(first.proc)
    const bootstrap = [first.addr]
    const home = { a: join(dir.path, 'a'), c: join(dir.path, 'c'), d: join(dir.path, 'd') }
    const [a, c, d] = await Promise.all([peers.start(home.a, bootstrap), peers.start(home.c, bootstrap), peers.start(home.d, bootstrap)])
    const userC = String(c.ready.userId)
    const userD = String(d.ready.userId)
    // D has published its device list and mailbox list; now it is offline
    await peers.stop(d.proc)
    a.proc.send({ cmd: 'contact', userId: userC })
    a.proc.send({ cmd: 'contact', userId: userD })
    await a.proc.waitFor(line => line.event === 'contact', 2)

    a.proc.send({ cmd: 'send', to: [userC, userD], count: size.bootMessages, tag: 'boot', interval: size.interval })
    const kills: Array<{ afterSent: number, downMs: number, reconnectMs?: number }> = []
    let current = first.proc
    for (let k = 0; k < size.bootKills; k++) {
      // a random point inside the k-th of bootKills + 1 stretches of the traffic
      const stretch = size.bootMessages / (size.bootKills + 1)
      const at = Math.max(1, Math.floor(stretch * k + stretch * (0.3 + 0.6 * random())))
      await a.proc.waitFor(line => line.event === 'sent', at, 60_000)
      await sleep(Math.floor(random() * size.interval))
      const afterSent = sentLines([a.proc]).length
      const t0 = Date.now()
      await current.kill()
      const again = await startBootstrap(args)
      boots.push(again.proc)
      current = again.proc
      const downMs = Date.now() - t0
      // nothing tells the peers: they redial the keep-alive bootstrap peer on their own
      const back = await until(async () => {
        for (const p of [a.proc, c.proc]) { p.send({ cmd: 'status' }) }
        await sleep(100)
        return [a.proc, c.proc].every(p => p.lines.filter(line => line.event === 'status').at(-1)?.connections.includes(first.peerId) === true)
      }, 20_000)
      kills.push({ afterSent, downMs, reconnectMs: back ? Date.now() - t0 : undefined })
      progress(`bootstrap killed after ${afterSent} sent, back in ${downMs} ms, peers reconnected: ${back ? `${Date.now() - t0} ms` : 'no'}`)
    }
    await a.proc.waitFor(line => line.event === 'send-done', 1, 120_000)

    const sent = sentLines([a.proc])
    const toC = sent.filter(line => line.to === userC)
    const toD = sent.filter(line => line.to === userD)
    const receiptLines = (): Set<string> => new Set(a.proc.lines.filter(line => line.event === 'receipt').map(line => String(line.id)))
    // C's receipts (for what C can have: published or stored)
    await until(() => toC.filter(line => line.published > 0 || line.stored > 0).every(line => receiptLines().has(line.id)), SETTLE_TIMEOUT)

    // D comes online: what its mailbox kept (through the kills) is fetched, and receipted
    const d2 = await peers.start(home.d, bootstrap)
    const fromMailbox = Number(d2.ready.synced)
    await until(() => toD.filter(line => line.stored > 0).every(line => receiptLines().has(line.id)), SETTLE_TIMEOUT)

    await Promise.all([a.proc, c.proc, d2.proc].map(async p => { await peers.stop(p) }))
    const bootstrapAlive = current.running
    const bootCode = await current.stop()

    // one at a time: level locks a database to one opener
    const outC = await historyOnDisk(home.a, userC)
    const outD = await historyOnDisk(home.a, userD)
    const inC = await historyOnDisk(home.c, String(a.ready.userId))
    const inD = await historyOnDisk(home.d, String(a.ready.userId))
    const rC = receiptedIds(outC, [a.proc])
    const rD = receiptedIds(outD, [a.proc])
    const lossC = countLoss(rC.any, inC)
    const lossD = countLoss(rD.any, inD)
    const lost = lossC.lost.length + lossD.lost.length
    const duplicates = lossC.duplicates.length + lossD.duplicates.length + shownTwice([c.proc]).length + shownTwice([d.proc, d2.proc]).length
    const inIds = new Set([...inC, ...inD].map(m => m.id))
    const out = [...outC, ...outD]
    const delivered = out.filter(m => inIds.has(m.id)).length
    // deposited (storage receipt) before a kill: the mailbox had it on disk when it died
    const beforeKill = sent.slice(0, kills.at(-1)?.afterSent ?? 0).filter(line => line.to === userD && line.stored > 0)
    const survived = beforeKill.filter(line => inD.some(m => m.id === line.id)).length
    // sent, but neither a delivery nor a storage receipt: where did they go
    const unreceipted = out.filter(m => !rC.any.has(m.id) && !rD.any.has(m.id))
    const unreceiptedLines = unreceipted.map(m => sent.find(line => line.id === m.id))
    const unreceiptedDelivered = unreceipted.filter(m => inIds.has(m.id)).length
    const relayOnly = unreceiptedLines.filter(line => line != null && !inIds.has(line.id) && line.published > 0 && line.stored === 0)
    const nowhere = unreceiptedLines.filter(line => line != null && !inIds.has(line.id) && line.published === 0 && line.stored === 0)
    const depositFailures = sent.filter(line => line.failures.length > 0)
    const failureNames = [...new Set(depositFailures.flatMap(line => line.failures as string[]).map(f => f.split(':')[0]))]
    const peerCrashes = peers.crashes()
    const crashes = peerCrashes.length + (bootstrapAlive && bootCode === 0 ? 0 : 1)
    const reconnected = kills.every(k => k.reconnectMs != null)
    const met = lost === 0 && duplicates === 0 && crashes === 0 && reconnected && beforeKill.length > 0 && survived === beforeKill.length && out.length === size.bootMessages

    return {
      area: 'crash',
      name: 'bootstrap SIGKILL during traffic',
      tried: out.length,
      accepted: delivered,
      rejected: 0,
      untyped: 0,
      crashes,
      lost,
      detail: `${size.bootKills} kill(s) (after ${kills.map(k => k.afterSent).join(', ')} sent; back in ${kills.map(k => k.downMs).join(', ')} ms; ` +
        `A and C redialed it in ${kills.map(k => k.reconnectMs ?? 'never').join(', ')} ms); receipted ${rC.any.size + rD.any.size}/${out.length} ` +
        `(delivery ${rC.delivery.size + rD.delivery.size}, mailbox ${rC.storage.size + rD.storage.size}), delivered ${delivered} (C ${inC.length}/${outC.length}, D ${inD.length}/${outD.length}); ` +
        `D offline throughout: ${fromMailbox} recovered from the mailbox, ${survived}/${beforeKill.length} deposited before a kill survived it; ` +
        `unreceipted ${unreceipted.length} (${unreceiptedDelivered} delivered anyway, ${relayOnly.length} published to the relay only with no mailbox while D was offline, ${nowhere.length} reached no peer and no mailbox); ` +
        `deposits that failed: ${depositFailures.length}${failureNames.length > 0 ? ` (${failureNames.join(', ')})` : ''}; duplicates ${duplicates}; ` +
        `envelopes dropped: ${describeDrops(drops([a.proc, c.proc, d2.proc]))}` +
        (peerCrashes.length > 0 ? `; ${peerCrashes.join('; ')}` : ''),
      target: TARGET,
      met
    }
  } finally {
    await peers.killAll()
    await Promise.all(boots.map(async proc => proc.kill()))
    await dir.remove()
  }
}

interface Pair {
  peers: Peers
  bootstrap: string[]
  home: { s: string, r: string }
  userS: string
  userR: string
  s: Proc
  r: Proc
  /** Every run of each */
  sRuns: Proc[]
  rRuns: Proc[]
}

/** The sender is SIGKILLed while it sends (a random point of a burst), restarted, and sends on */
async function senderKills (pair: Pair, size: Size, random: () => number, progress: (line: string) => void): Promise<{ probes: number, probesOk: number }> {
  let probes = 0
  let probesOk = 0
  for (let k = 0; k < size.senderKills; k++) {
    const tag = `s${k}`
    pair.s.send({ cmd: 'send', to: pair.userR, count: size.burst, tag })
    const before = 1 + Math.floor(random() * (size.burst - 2))
    await pair.s.waitFor(line => line.event === 'sent' && line.tag === tag, before, 30_000)
    // somewhere inside the next send: encrypt, the durable write, publish, deposit
    await sleep(Math.floor(random() * 30))
    await pair.peers.kill(pair.s)
    const restarted = await pair.peers.start(pair.home.s, pair.bootstrap)
    pair.s = restarted.proc
    pair.sRuns.push(pair.s)
    // the next messages both ways decrypt
    const forth = await probe(pair.s, pair.r, pair.userR, `${tag}-after`)
    const back = await probe(pair.r, pair.s, pair.userS, `${tag}-back`)
    probes += 2
    probesOk += (forth ? 1 : 0) + (back ? 1 : 0)
    progress(`sender killed after ${before} of ${size.burst} sent; next messages: forth ${forth ? 'ok' : 'MISSING'}, back ${back ? 'ok' : 'MISSING'}`)
  }
  // and a last burst, whole
  pair.s.send({ cmd: 'send', to: pair.userR, count: size.burst, tag: 's-final' })
  await pair.s.waitFor(line => line.event === 'send-done' && line.tag === 's-final', 1, 60_000)
  return { probes, probesOk }
}

/** The receiver is SIGKILLed while messages arrive, restarted (it syncs what its mailbox kept), while the sender sends on */
async function receiverKills (pair: Pair, size: Size, random: () => number, progress: (line: string) => void): Promise<{ probes: number, probesOk: number }> {
  let probes = 0
  let probesOk = 0
  const tag = 'rk'
  pair.s.send({ cmd: 'send', to: pair.userR, count: 100_000, tag, interval: size.interval })
  const arrived = (run: Proc): number => run.lines.filter(line => line.event === 'message' && tagOf(line.text) === tag).length
  for (let k = 0; k < size.receiverKills; k++) {
    const r = pair.r
    const wanted = arrived(r) + 2 + Math.floor(random() * 6)
    await r.waitFor(line => line.event === 'message' && tagOf(line.text) === tag, wanted, 30_000)
    await sleep(Math.floor(random() * size.interval))
    await pair.peers.kill(r)
    // messages keep coming while it is down: they wait in its mailbox
    await sleep(100 + Math.floor(random() * 400))
    const restarted = await pair.peers.start(pair.home.r, pair.bootstrap)
    pair.r = restarted.proc
    pair.rRuns.push(pair.r)
    // a message the sender sends after the restart arrives (decrypts), and one back
    const mark = Math.max(-1, ...sentLines([pair.s], line => line.tag === tag).map(line => Number(line.text.split(' ')[1])))
    const forth = await reached(pair.r.waitFor(line => line.event === 'message' && tagOf(line.text) === tag && Number(line.text.split(' ')[1]) > mark, 1, PROBE_TIMEOUT))
    const back = await probe(pair.r, pair.s, pair.userS, `rk${k}-back`)
    probes += 2
    probesOk += (forth ? 1 : 0) + (back ? 1 : 0)
    progress(`receiver killed after ${wanted} arrived; synced ${String(restarted.ready.synced)} from its mailbox; next messages: forth ${forth ? 'ok' : 'MISSING'}, back ${back ? 'ok' : 'MISSING'}`)
  }
  pair.s.send({ cmd: 'halt' })
  await pair.s.waitFor(line => line.event === 'send-done' && line.tag === tag, 1, 60_000)
  return { probes, probesOk }
}

/** The session records of a home, raw (sealed or not, they are copied as they are) */
async function readSessions (home: string): Promise<Map<string, Uint8Array>> {
  const db = await openDatabase(home, { create: false })
  try {
    const records = new Map<string, Uint8Array>()
    for (const [key, value] of await db.sublevel<string, Uint8Array>('sessions', { valueEncoding: 'view' }).iterator().all()) {
      records.set(`sessions/${key}`, value)
    }
    const seen = await db.sublevel<string, Uint8Array>('keys', { valueEncoding: 'view' }).get('seen-base-keys')
    if (seen != null) { records.set('keys/seen-base-keys', seen) }
    return records
  } finally {
    await db.close()
  }
}

/** Puts back session records read by `readSessions` (and deletes newer ones): the state rewinds, the history stays */
async function writeSessions (home: string, records: Map<string, Uint8Array>): Promise<void> {
  const db = await openDatabase(home, { create: false })
  try {
    const sessions = db.sublevel<string, Uint8Array>('sessions', { valueEncoding: 'view' })
    const keys = db.sublevel<string, Uint8Array>('keys', { valueEncoding: 'view' })
    for (const key of await sessions.keys().all()) {
      if (!records.has(`sessions/${key}`)) { await sessions.del(key) }
    }
    for (const [name, value] of records) {
      const [sub, key] = name.split('/')
      await (sub === 'sessions' ? sessions : keys).put(key, value)
    }
    if (!records.has('keys/seen-base-keys')) { await keys.del('seen-base-keys') }
  } finally {
    await db.close()
  }
}

function sameRecords (a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): boolean {
  if (a.size !== b.size) { return false }
  for (const [key, value] of a) {
    const other = b.get(key)
    if (other == null || other.length !== value.length || other.some((byte, i) => byte !== value[i])) { return false }
  }
  return true
}

/**
 * The window a random kill rarely hits, made on purpose: the receiver stores
 * a message, then dies before its session state is written. Its database is
 * left exactly so (the message in the history, the session records of before
 * it); restarted, it must not show the message again, and the next messages
 * both ways must decrypt.
 */
async function rewoundReceiver (pair: Pair): Promise<{ rewound: boolean, shownAgain: number, nextOk: boolean, backOk: boolean, messageId?: string }> {
  await pair.peers.stop(pair.r)
  const before = await readSessions(pair.home.r)
  // no receipt may leave before the kill (in the real window none has: it is sent after the session write)
  const held = await pair.peers.start(pair.home.r, pair.bootstrap, ['--receipt-delay', '600000', '--receipt-max-delay', '600000'])
  pair.r = held.proc
  pair.rRuns.push(pair.r)
  pair.s.send({ cmd: 'send', to: pair.userR, count: 1, tag: 'rewind' })
  const [shown] = await pair.r.waitFor(line => line.event === 'message' && line.text === 'rewind 0', 1, PROBE_TIMEOUT)
  // the pipeline writes the session state right after the message: let it, then kill
  await sleep(300)
  await pair.peers.kill(pair.r)
  const after = await readSessions(pair.home.r)
  await writeSessions(pair.home.r, before)
  const rewound = !sameRecords(before, after) && sameRecords(before, await readSessions(pair.home.r))

  const restarted = await pair.peers.start(pair.home.r, pair.bootstrap)
  pair.r = restarted.proc
  pair.rRuns.push(pair.r)
  pair.s.send({ cmd: 'send', to: pair.userR, count: 3, tag: 'rewind-next' })
  const nextOk = await reached(pair.r.waitFor(line => line.event === 'message' && tagOf(line.text) === 'rewind-next', 3, PROBE_TIMEOUT))
  const backOk = await probe(pair.r, pair.s, pair.userS, 'rewind-back')
  const shownAgain = pair.r.lines.filter(line => line.event === 'message' && line.id === shown.id).length
  return { rewound, shownAgain, nextOk, backOk, messageId: shown.id }
}

/** The rewound receiver's row: the message stored once, not shown again, the next ones decrypt, its receipt comes back */
function rewindRow (rewind: Awaited<ReturnType<typeof rewoundReceiver>>, outS: StoredMessage[], inR: StoredMessage[], dropped: Record<string, number>, crashList: string[]): Row {
  const stored = inR.filter(m => m.id === rewind.messageId).length
  const receipted = outS.find(m => m.id === rewind.messageId)?.state === 'delivered'
  const next = outS.filter(m => tagOf(m.text) === 'rewind-next')
  const nextDelivered = next.filter(m => inR.some(r => r.id === m.id)).length
  return {
    area: 'crash',
    name: 'receiver dies between message and session write',
    tried: 1 + next.length,
    accepted: (stored > 0 ? 1 : 0) + nextDelivered,
    rejected: 0,
    untyped: 0,
    crashes: crashList.length,
    lost: (stored === 0 ? 1 : 0) + (next.length - nextDelivered),
    detail: `session records rewound to before the message: ${rewind.rewound ? 'yes' : 'NO'}; the message stored ${stored} time(s), shown again after the restart ${rewind.shownAgain} time(s), ` +
      `receipted ${receipted ? 'yes' : 'no'}; next ${nextDelivered}/${next.length} decrypt, reply back ${rewind.backOk ? 'decrypts' : 'MISSING'}; drops after the restart: ${describeDrops(dropped)}`,
    target: TARGET,
    met: rewind.rewound && stored === 1 && rewind.shownAgain === 0 && receipted && next.length === 3 && nextDelivered === 3 && rewind.nextOk && rewind.backOk && crashList.length === 0 && undecryptable(dropped) === 0
  }
}

/** Sender and receiver processes on one bootstrap node; the sender is killed, then the receiver, then the receiver's state is rewound */
async function peerCrashes (size: Size, random: () => number, progress: (line: string) => void): Promise<Row[]> {
  const hub = await startHub()
  const dir = await tempDir('crash-peers')
  const peers = new Peers()
  try {
    const bootstrap = [hub.addr]
    const home = { s: join(dir.path, 's'), r: join(dir.path, 'r') }
    const [s, r] = await Promise.all([peers.start(home.s, bootstrap), peers.start(home.r, bootstrap)])
    const pair: Pair = { peers, bootstrap, home, userS: String(s.ready.userId), userR: String(r.ready.userId), s: s.proc, r: r.proc, sRuns: [s.proc], rRuns: [r.proc] }
    pair.s.send({ cmd: 'contact', userId: pair.userR })
    pair.r.send({ cmd: 'contact', userId: pair.userS })
    await Promise.all([pair.s.waitFor(line => line.event === 'contact'), pair.r.waitFor(line => line.event === 'contact')])

    const rBeforeSenderKills = pair.r
    const senderPhase = await senderKills(pair, size, random, progress)
    const rSurvived = rBeforeSenderKills === pair.r && pair.r.running
    const sBeforeReceiverKills = pair.s
    const receiverPhase = await receiverKills(pair, size, random, progress)
    const sSurvived = sBeforeReceiverKills === pair.s && pair.s.running
    const rewind = await rewoundReceiver(pair)
    progress(`receiver rewound: ${rewind.rewound ? 'yes' : 'NO'}, shown again ${rewind.shownAgain}, next ${rewind.nextOk ? 'ok' : 'MISSING'}, back ${rewind.backOk ? 'ok' : 'MISSING'}`)

    // every receipt of what went out comes back, both ways
    const settled = (runs: Proc[]): boolean => {
      const receipts = new Set(runs.flatMap(run => run.lines).filter(line => line.event === 'receipt').map(line => String(line.id)))
      return sentLines(runs).filter(line => line.published > 0 || line.stored > 0).every(line => receipts.has(String(line.id)))
    }
    await until(() => settled(pair.sRuns) && settled(pair.rRuns), SETTLE_TIMEOUT)
    await Promise.all([peers.stop(pair.s), peers.stop(pair.r)])
    const crashList = peers.crashes()

    // each side's conversation, both directions
    const [atS, atR] = await Promise.all([historyOnDisk(home.s, pair.userR), historyOnDisk(home.r, pair.userS)])
    const [outS, inS] = [atS.filter(m => m.direction === 'out'), atS.filter(m => m.direction === 'in')]
    const [outR, inR] = [atR.filter(m => m.direction === 'out'), atR.filter(m => m.direction === 'in')]
    const received = new Set(inR.map(m => m.id))
    const sentBack = new Set(inS.map(m => m.id))
    const twiceR = shownTwice(pair.rRuns)
    const twiceS = shownTwice(pair.sRuns)

    /** One phase's row: its tags, both directions */
    const phase = (name: string, forth: (tag: string) => boolean, back: (tag: string) => boolean, extra: { kills: number, probes: number, probesOk: number, survivor: boolean, survivorName: string, runs: Proc[] }): Row => {
      const out = outS.filter(m => forth(tagOf(m.text)))
      const outBack = outR.filter(m => back(tagOf(m.text)))
      const rForth = receiptedIds(out, pair.sRuns)
      const rBack = receiptedIds(outBack, pair.rRuns)
      const lossForth = countLoss(rForth.any, inR)
      const lossBack = countLoss(rBack.any, inS)
      const ids = new Set([...out, ...outBack].map(m => m.id))
      const lost = lossForth.lost.length + lossBack.lost.length
      const duplicates = [...lossForth.duplicates, ...lossBack.duplicates, ...twiceR, ...twiceS].filter(id => ids.has(id)).length
      const delivered = out.filter(m => received.has(m.id)).length + outBack.filter(m => sentBack.has(m.id)).length
      const unreceipted = out.filter(m => !rForth.any.has(m.id))
      const neverOut = unreceipted.filter(m => m.state === 'sending' && !received.has(m.id)).length
      const undelivered = unreceipted.filter(m => m.state !== 'sending' && !received.has(m.id)).length
      // delivered, yet the sender never heard: a receipt a crash cut off and nothing sent again
      const unconfirmed = out.filter(m => received.has(m.id) && !rForth.delivery.has(m.id)).length + outBack.filter(m => sentBack.has(m.id) && !rBack.delivery.has(m.id)).length
      const crashes = crashList.length + (extra.survivor ? 0 : 1)
      const dropped = drops(extra.runs)
      return {
        area: 'crash',
        name,
        tried: out.length + outBack.length,
        accepted: delivered,
        rejected: 0,
        untyped: 0,
        crashes,
        lost,
        detail: `${extra.kills} kill(s); ${out.length} sent forth, ${outBack.length} back; receipted ${rForth.any.size + rBack.any.size} (delivery ${rForth.delivery.size + rBack.delivery.size}, mailbox ${rForth.storage.size + rBack.storage.size}); ` +
          `unreceipted ${unreceipted.length} (${unreceipted.length - neverOut - undelivered} delivered, ${neverOut} written but never sent when the sender died (state 'sending'), ${undelivered} sent but not delivered); ` +
          `delivered without a delivery receipt ${unconfirmed}; next messages after each restart decrypt: ${extra.probesOk}/${extra.probes}; shown or stored twice ${duplicates}; the ${extra.survivorName} ${extra.survivor ? 'stayed up' : 'DIED'}; ` +
          `envelopes dropped: ${describeDrops(dropped)}` + (crashList.length > 0 ? `; ${crashList.join('; ')}` : ''),
        target: TARGET,
        met: lost === 0 && duplicates === 0 && crashes === 0 && extra.probesOk === extra.probes && undecryptable(dropped) === 0
      }
    }

    const rows = [
      phase('sender SIGKILL mid-send', tag => /^s(\d+|-final)(-after)?$/.test(tag), tag => /^s\d+-back$/.test(tag),
        { kills: size.senderKills, ...senderPhase, survivor: rSurvived, survivorName: 'receiver', runs: [...pair.sRuns.slice(1, 1 + size.senderKills), rBeforeSenderKills] }),
      phase('receiver SIGKILL mid-receive', tag => tag === 'rk', tag => /^rk\d+-back$/.test(tag),
        { kills: size.receiverKills, ...receiverPhase, survivor: sSurvived, survivorName: 'sender', runs: [...pair.rRuns.slice(1, 1 + size.receiverKills), sBeforeReceiverKills] })
    ]

    rows.push(rewindRow(rewind, outS, inR, drops(pair.rRuns.slice(-1)), crashList))
    return rows
  } finally {
    await peers.killAll()
    await hub.stop()
    await dir.remove()
  }
}

export const crashes: Scenario = async (options: SuiteOptions) => {
  const size = options.full ? SIZES.full : SIZES.ci
  const seed = Number(process.env.HYPHA_ADVERSARIAL_SEED ?? Date.now() % 1_000_000)
  const random = prng(seed)
  const progress = (line: string): void => { options.progress?.(line) }
  progress(`seed ${seed} (HYPHA_ADVERSARIAL_SEED repeats a run's kill points)`)
  const rows = [
    await bootstrapCrash(size, random, progress),
    ...await peerCrashes(size, random, progress)
  ]
  for (const row of rows) { row.detail = `${row.detail ?? ''}; seed ${seed}` }
  return rows
}
