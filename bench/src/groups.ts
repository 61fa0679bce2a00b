/**
 * Group costs at the sender, with core's real GroupEngine (issue: one message
 * to a group of 10, 100 and 1,000 members costs the sender the same time and
 * the same bytes on the wire whatever the group's size; removing one member of
 * a 1,000-member group costs the remover <= 2 s of CPU).
 *
 * The engine runs over a real MessengerStore (memory-level) and a real
 * SessionManager; its host does no networking: publish and deposit count the
 * bytes they are given (the group's three mailbox nodes are three fake peer
 * ids, so every envelope is deposited three times). What is measured is CPU
 * and bytes at the sender; the network adds one publish and three deposits.
 *
 * Members are real identities whose 1:1 sessions with the sender are
 * established (each decrypted its invitation and answered it), so the key
 * packages of a removal carry ratchet messages, not prekey envelopes.
 */

import {
  createIdentity, currentBundle, curves, GroupEngine, localDevice, MessengerStore, PREKEY_ENVELOPE_TYPE, prekeyStore, RATCHET_MESSAGE_TYPE, SessionManager,
  systemRandom, verifyBundle, verifyDeviceList
} from '@hypha/core'
import { randomBytes } from '@noble/hashes/utils.js'
import { MemoryLevel } from 'memory-level'
import { formatNumber, percentile } from './harness.ts'
import type { GroupHost, LocalIdentity, VerifiedBundle } from '@hypha/core'

/** Plaintext of one group message */
export const GROUP_MESSAGE_BYTES = 256
/** Group sizes measured by default (members, the sender included) */
export const GROUP_SIZES = [10, 100, 1000]
/** Timed sends per group size by default */
export const GROUP_SENDS = 200
/** Mailbox nodes of every group: each envelope is deposited at each */
export const GROUP_MAILBOXES = 3
/** Removal target: the remover's CPU time in the largest group */
export const REMOVAL_CPU_BUDGET_MS = 2000
/** Send target: the largest group's p50 send time over the smallest's (bytes must be equal) */
export const SEND_RATIO_BUDGET = 1.25

/** Bytes handed to the network, by envelope type (0x04 group message, 0x05 key package) */
export interface WireCount {
  /** Envelopes published (one publish each) */
  envelopes: number
  /** Bytes published on the group's topic */
  published: number
  /** Bytes deposited at the group's mailboxes (each envelope once per mailbox) */
  deposited: number
  /** Group-message envelopes (0x04) among `envelopes` */
  messages: number
  /** Key-package envelopes (0x05) among `envelopes` */
  keyPackages: number
  /** Bytes of the key-package envelopes among `published` */
  keyPackageBytes: number
}

export interface GroupSendRow {
  /** Members, the sender included */
  members: number
  sends: number
  meanMs: number
  p50Ms: number
  p99Ms: number
  /** Process CPU (user + system) per send */
  cpuMs: number
  /** Bytes published per message */
  bytes: number
  /** Bytes per message with the mailbox copies */
  bytesWithMailboxes: number
}

export interface GroupRemovalRow {
  /** Members before the removal, the remover included */
  members: number
  /** Remover's process CPU (user + system) */
  cpuMs: number
  wallMs: number
  wire: WireCount
}

export interface GroupBenchReport {
  /** The curve implementation (X25519, Ed25519) in use */
  curves: string
  mailboxes: number
  setup: { members: number, identitiesMs: number, groupsMs: number }
  sends: GroupSendRow[]
  removals: GroupRemovalRow[]
}

export interface GroupBenchOptions {
  /** Group sizes, the sender included (default GROUP_SIZES) */
  sizes?: number[]
  /** Timed sends per size (default GROUP_SENDS) */
  sends?: number
  /** Untimed sends per size before the timed ones (default a tenth of `sends`) */
  warmup?: number
}

interface Member {
  identity: LocalIdentity
  sessions: SessionManager
  bundle: VerifiedBundle
}

function emptyCount (): WireCount {
  return { envelopes: 0, published: 0, deposited: 0, messages: 0, keyPackages: 0, keyPackageBytes: 0 }
}

function cpuMs (since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1000
}

/**
 * The sender's side: a GroupEngine over a real store and sessions, with a host
 * that counts what it would put on the network instead of sending it.
 */
class BenchSender {
  readonly identity: LocalIdentity
  readonly sessions: SessionManager
  readonly store: MessengerStore
  readonly engine: GroupEngine
  readonly db: MemoryLevel<string, any>
  /** Bytes handed to publish and deposit since the last reset */
  wire = emptyCount()
  /** What the engine logged: anything here is a failure the engine swallowed */
  readonly logged: string[] = []
  /** 1:1 envelopes sent with sendDirect (invitations), by user id, until taken */
  readonly direct = new Map<string, Uint8Array[]>()
  private readonly members = new Map<string, Member>()
  /** Three fake mailbox nodes: peer ids the shape of Ed25519 ones (identity multihash, 38 bytes) */
  private readonly mailboxes = Array.from({ length: GROUP_MAILBOXES }, () => Uint8Array.of(0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...randomBytes(32)))

  constructor (identity: LocalIdentity) {
    this.identity = identity
    this.sessions = new SessionManager(localDevice(identity), prekeyStore(identity))
    this.db = new MemoryLevel<string, any>({ valueEncoding: 'view' })
    this.store = new MessengerStore(this.db as any)
    const host: GroupHost = {
      userId: identity.userId,
      device: identity.device.signing,
      random: systemRandom,
      store: this.store,
      ownDevices: () => [identity.device.signing.publicKey],
      log: message => { this.logged.push(message) },
      watchTopic: () => {},
      publish: async (_topic, envelope) => {
        this.wire.envelopes++
        this.wire.published += envelope.length
        if (envelope[0] === 0x04) {
          this.wire.messages++
        } else if (envelope[0] === 0x05) {
          this.wire.keyPackages++
          this.wire.keyPackageBytes += envelope.length
        }
        return true
      },
      deposit: async (peers, _inbox, envelope) => {
        this.wire.deposited += envelope.length * peers.length
        return { successes: [], failures: [] }
      },
      fetchPage: async () => { throw new Error('fetchPage is not used by the groups bench') },
      receive: async () => { throw new Error('receive is not used by the groups bench') },
      encryptFor: async (userId, signingKey, plaintext) => this.encryptFor(userId, signingKey, plaintext),
      decryptDirect: async () => { throw new Error('decryptDirect is not used by the groups bench') },
      commitSessions: async () => { await this.commit() },
      sendDirect: async (userId, devices, content) => {
        // the Messenger wraps this in a Content message and also publishes it: setup, not measured
        const plaintext = content.group ?? content.channel ?? new Uint8Array(0)
        const envelopes = await Promise.all(devices.map(async d => this.encryptFor(userId, d, plaintext)))
        await this.commit()
        this.direct.set(userId, [...(this.direct.get(userId) ?? []), ...envelopes])
      },
      devicesOf: async userId => [this.member(userId).identity.device.signing.publicKey],
      resolveUserId: async nameOrId => this.member(nameOrId).identity.userId,
      ownMailboxes: () => this.mailboxes,
      storeTime: () => Date.now(),
      dispatch () {}
    }
    this.engine = new GroupEngine(host)
  }

  addMember (member: Member): void {
    this.members.set(member.identity.userId, member)
  }

  private member (userId: string): Member {
    const member = this.members.get(userId)
    if (member == null) { throw new Error(`no member ${userId}`) }
    return member
  }

  /** As the Messenger does: a session from the device's verified bundle when there is none, then one 1:1 envelope */
  private async encryptFor (userId: string, signingKey: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    if (this.sessions.session(signingKey) == null) {
      await this.sessions.initiate(this.member(userId).bundle)
    }
    return this.sessions.encrypt(signingKey, plaintext)
  }

  /** As the Messenger does: the changed sessions, durably */
  async commit (): Promise<void> {
    await this.store.commit({ sessions: this.sessions.changes() })
  }

  checkLog (what: string): void {
    if (this.logged.length > 0) {
      throw new Error(`${what}: the group engine logged ${this.logged.length} problem(s), first: ${this.logged[0]}`)
    }
  }
}

async function member (): Promise<Member> {
  const identity = await createIdentity({ oneTimePrekeys: 1 })
  const sessions = new SessionManager(localDevice(identity), prekeyStore(identity))
  const bundle = await verifyBundle(currentBundle(identity), await verifyDeviceList(identity.deviceList, identity.userId))
  return { identity, sessions, bundle }
}

export async function groupsBench (options: GroupBenchOptions = {}): Promise<GroupBenchReport> {
  const sizes = [...(options.sizes ?? GROUP_SIZES)].sort((a, b) => a - b)
  const sends = options.sends ?? GROUP_SENDS
  const warmup = options.warmup ?? Math.max(1, Math.floor(sends / 10))
  if (sizes.length === 0 || sizes.some(n => !Number.isInteger(n) || n < 2) || new Set(sizes).size !== sizes.length) {
    throw new RangeError('group sizes are distinct integers >= 2')
  }
  if (!Number.isInteger(sends) || sends <= 0) { throw new RangeError('sends must be a positive integer') }

  // setup, not measured: the sender, and n - 1 members of its own for each group, with verified bundles
  let start = performance.now()
  const sender = new BenchSender(await createIdentity())
  const pools = new Map<number, Member[]>()
  for (const n of sizes) {
    const pool: Member[] = []
    for (let i = 0; i < n - 1; i++) {
      const m = await member()
      pool.push(m)
      sender.addMember(m)
    }
    pools.set(n, pool)
  }
  const identitiesMs = performance.now() - start

  // the groups: the invitations start a session with every member; each member decrypts its invitation and
  // answers it (as it does on joining, with its sender key), so every later 1:1 envelope is a ratchet message
  // (0x02) and the sender's next one to each member owes a DH ratchet step, as after a real join
  start = performance.now()
  const groups = new Map<number, string>()
  try {
    for (const n of sizes) {
      const pool = pools.get(n) as Member[]
      const info = await sender.engine.createGroup(`bench ${n}`, pool.map(m => m.identity.userId))
      groups.set(n, info.id)
      if (info.members.length !== n) { throw new Error(`a group of ${n} has ${info.members.length} members`) }
      for (const m of pool) {
        const invitation = sender.direct.get(m.identity.userId)?.[0]
        sender.direct.delete(m.identity.userId)
        if (invitation?.[0] !== PREKEY_ENVELOPE_TYPE) { throw new Error('a member got no invitation in a prekey envelope') }
        await m.sessions.decrypt(invitation)
        const answer = await m.sessions.encrypt(sender.identity.device.signing.publicKey, randomBytes(120))
        if (answer[0] !== RATCHET_MESSAGE_TYPE) { throw new Error('a member\'s answer is not a ratchet message') }
        await sender.sessions.decrypt(answer)
      }
    }
    await sender.commit()
    sender.checkLog('building the groups')
    const groupsMs = performance.now() - start

    // one message to each group in turn (so drift, GC and JIT weigh on every size alike)
    const text = Buffer.from(randomBytes(GROUP_MESSAGE_BYTES / 2)).toString('hex')
    for (let i = 0; i < warmup; i++) {
      for (const n of sizes) { await sender.engine.sendToGroup(groups.get(n) as string, text) }
    }
    const samples = new Map(sizes.map(n => [n, new Float64Array(sends)]))
    const cpu = new Map(sizes.map(n => [n, 0]))
    const wire = new Map(sizes.map(n => [n, emptyCount()]))
    for (let i = 0; i < sends; i++) {
      for (const n of sizes) {
        sender.wire = wire.get(n) as WireCount
        const used = process.cpuUsage()
        const t = performance.now()
        await sender.engine.sendToGroup(groups.get(n) as string, text)
        ;(samples.get(n) as Float64Array)[i] = performance.now() - t
        cpu.set(n, (cpu.get(n) as number) + cpuMs(used))
      }
    }
    sender.checkLog('sending')
    const sendRows = sizes.map(n => {
      const times = samples.get(n) as Float64Array
      const w = wire.get(n) as WireCount
      if (w.envelopes !== sends || w.messages !== sends) { throw new Error(`${sends} sends published ${w.envelopes} envelopes`) }
      const total = times.reduce((a, b) => a + b, 0)
      times.sort()
      return {
        members: n,
        sends,
        meanMs: total / sends,
        p50Ms: percentile(times, 0.5),
        p99Ms: percentile(times, 0.99),
        cpuMs: (cpu.get(n) as number) / sends,
        bytes: w.published / sends,
        bytesWithMailboxes: (w.published + w.deposited) / sends
      }
    })

    // one removal in each group, smallest first (the smaller ones warm the code up for the largest)
    const removals: GroupRemovalRow[] = []
    for (const n of sizes) {
      const pool = pools.get(n) as Member[]
      sender.wire = emptyCount()
      const used = process.cpuUsage()
      const t = performance.now()
      const info = await sender.engine.removeFromGroup(groups.get(n) as string, pool[pool.length - 1].identity.userId)
      const wallMs = performance.now() - t
      const cpuUsed = cpuMs(used)
      if (info.members.length !== n - 1) { throw new Error(`after a removal a group of ${n} has ${info.members.length} members`) }
      removals.push({ members: n, cpuMs: cpuUsed, wallMs, wire: sender.wire })
    }
    sender.checkLog('removing')

    return {
      curves: (await curves()).name,
      mailboxes: GROUP_MAILBOXES,
      setup: { members: sizes.reduce((a, n) => a + n - 1, 0), identitiesMs, groupsMs },
      sends: sendRows,
      removals
    }
  } finally {
    await sender.db.close()
  }
}

function table (header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
  // numbers right-aligned; a last column of words (a target) left-aligned
  const render = (cells: string[]): string => cells.map((c, i) => i === cells.length - 1 && header[i] === 'target' ? c : c.padStart(widths[i])).join('  ').trimEnd()
  return [render(header), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(render)]
}

function bytes (value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

/** Size independence of a send: the largest group against the smallest */
export function sendRatios (report: GroupBenchReport): { time: number, bytes: number, met: boolean } {
  const first = report.sends[0]
  const last = report.sends[report.sends.length - 1]
  const time = last.p50Ms / first.p50Ms
  const ratio = last.bytes / first.bytes
  return { time, bytes: ratio, met: ratio === 1 && time <= SEND_RATIO_BUDGET }
}

export function formatGroupsReport (report: GroupBenchReport): string {
  const first = report.sends[0]
  const last = report.sends[report.sends.length - 1]
  const ratios = sendRatios(report)
  const largest = report.removals[report.removals.length - 1]
  const sendLines = table(
    ['members', 'sends', 'mean ms', 'p50 ms', 'p99 ms', 'CPU ms', 'bytes published', `with ${report.mailboxes} mailbox copies`],
    report.sends.map(r => [
      bytes(r.members), String(r.sends), formatNumber(r.meanMs), formatNumber(r.p50Ms), formatNumber(r.p99Ms), formatNumber(r.cpuMs),
      bytes(r.bytes), bytes(r.bytesWithMailboxes)
    ])
  )
  const removalLines = table(
    ['members', 'CPU ms', 'wall ms', 'op message B', 'key packages', 'key package B', 'bytes published', `with ${report.mailboxes} mailbox copies`, 'target'],
    report.removals.map(r => [
      bytes(r.members), formatNumber(r.cpuMs), formatNumber(r.wallMs), bytes(r.wire.published - r.wire.keyPackageBytes), String(r.wire.keyPackages),
      bytes(r.wire.keyPackageBytes), bytes(r.wire.published), bytes(r.wire.published + r.wire.deposited),
      r === largest ? `CPU <= ${REMOVAL_CPU_BUDGET_MS / 1000} s: ${r.cpuMs <= REMOVAL_CPU_BUDGET_MS ? 'MET' : 'MISSED'}` : ''
    ])
  )
  return [
    `Groups (core's GroupEngine, real store and sessions; curves: ${report.curves}): CPU and bytes at the sender; the network adds one publish and ${report.mailboxes} deposits per envelope, not measured`,
    `setup, not measured: ${bytes(report.setup.members)} member identities (each group has its own) in ${formatNumber(report.setup.identitiesMs / 1000)} s; groups built and 1:1 sessions established (each member answered its invitation) in ${formatNumber(report.setup.groupsMs / 1000)} s`,
    '',
    `One ${GROUP_MESSAGE_BYTES}-byte message (sendToGroup: sender-key encryption, store, publish, deposit; the groups take turns)`,
    ...sendLines,
    `${bytes(last.members)} vs ${bytes(first.members)} members: p50 time ${formatNumber(ratios.time)}x, bytes ${formatNumber(ratios.bytes)}x  target: independent of group size (same bytes, time <= ${SEND_RATIO_BUDGET}x): ${ratios.met ? 'MET' : 'MISSED'}`,
    '',
    'Removing one member (removeFromGroup: the operation under the old sender key, then a new sender key to every remaining member in key packages;',
    'the remover last heard from each member, so each 1:1 envelope first completes a DH ratchet step; CPU is the whole process, user + system)',
    ...removalLines
  ].join('\n')
}
