/**
 * Mailbox flood against a `hypha-bootstrap` process: one peer deposits to
 * one victim's inbox at 10 times the inbox's quota (real stamps, envelopes
 * of realistic sizes) while an honest sender deposits to the same inbox and
 * a third peer uses another inbox.
 *
 * Measured: what the node stored for the victim (fetched as the inbox's
 * owner) against the quota and against the flooder's share of it, every
 * refusal by name (a refusal must be typed), the mailbox database's size on
 * disk before and after, the node's RSS before, during and after, that
 * other inboxes are served, and that every honest envelope reached the
 * victim's inbox. With `depositorShare: 1` (the negative control) one peer
 * may fill an inbox, and the honest sender is locked out.
 */

import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { generateDeviceKeys, mailboxTag } from '@hypha/core'
import { createPeerNode, dialBootstrap } from '@hypha/node'
import { until } from './mesh.ts'
import { startBootstrap, tempDir } from './processes.ts'
import { isTyped } from './report.ts'
import type { BootstrapProc } from './processes.ts'
import type { Row, Scenario, SuiteOptions } from './report.ts'
import type { KeyPair } from '@hypha/core'
import type { PeerNode } from '@hypha/node'
import type { PeerId } from '@libp2p/interface'

/**
 * The node's RSS may grow by at most this much during and after the flood.
 * Envelopes live on disk, not in memory; what grows is the heap V8 keeps
 * after the garbage of thousands of requests (the live heap stays near
 * 50 MB): measured, it levels off about 235 MiB above the start after
 * 30,000 deposits (this flood makes 2,000).
 */
export const MAILBOX_FLOOD_RSS_BUDGET_MIB = 256

/**
 * The mailbox database may grow by at most the inbox's byte quota plus this
 * much: keys, indexes and usage records of what is stored, LevelDB's log and
 * manifest (refused deposits write nothing)
 */
export const MAILBOX_FLOOD_DISK_OVERHEAD_MIB = 4

/** The flood is this many times the inbox's quota (the "10 times its quota") */
const FLOOD_FACTOR = 10

/** Deposits the flooder keeps in flight (the client queues past its 16 streams per node) */
const FLOOD_CONCURRENCY = 32

const SCALES: Record<'ci' | 'full', { quotaCount: number, quotaBytes: number, honest: number }> = {
  ci: { quotaCount: 100, quotaBytes: 1024 * 1024, honest: 6 },
  full: { quotaCount: 200, quotaBytes: 2 * 1024 * 1024, honest: 12 }
}

export interface MailboxFloodOptions extends SuiteOptions {
  /** `--mailbox-depositor-share`; 1 is the negative control (one peer may fill an inbox) */
  depositorShare?: number
}

/** Size of the i-th flood envelope: 1 KiB to 16 KiB, the sizes of texts and small attachments */
const floodSize = (i: number): number => 1024 * (1 + (i * 7) % 16)

function randomEnvelope (size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let offset = 0; offset < size; offset += 65_536) {
    crypto.getRandomValues(out.subarray(offset, Math.min(size, offset + 65_536)))
  }
  return out
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const mib = (n: number | undefined): string => n == null ? 'gone' : `${n.toFixed(0)} MiB`
const kib = (n: number): string => `${(n / 1024).toFixed(0)} KiB`

/** Bytes a directory takes on disk (allocated blocks, as du counts them) */
async function du (dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      total += await du(path)
    } else {
      total += (await stat(path)).blocks * 512
    }
  }
  return total
}

interface Client {
  node: PeerNode
  mailbox: PeerId
}

async function client (addr: string): Promise<Client> {
  const node = await createPeerNode({ bootstrap: [addr], allowLoopback: true, listen: [] })
  const { connected } = await dialBootstrap(node, [addr])
  const mailbox = node.getConnections()[0]?.remotePeer
  if (connected === 0 || mailbox == null) { throw new Error('the mailbox node is not reachable') }
  return { node, mailbox }
}

/** Every entry of an inbox, fetched as its owner */
async function drain (reader: Client, owner: KeyPair): Promise<Array<{ hash: Uint8Array, envelope: Uint8Array }>> {
  const entries: Array<{ hash: Uint8Array, envelope: Uint8Array }> = []
  let cursor: Uint8Array | undefined
  while (true) {
    const page = await reader.node.services.mailbox.fetch(reader.mailbox, owner, { cursor })
    entries.push(...page.entries)
    cursor = page.cursor
    if (!page.more) { return entries }
  }
}

export async function runMailboxFlood (options: MailboxFloodOptions): Promise<Row[]> {
  const scale = SCALES[options.full ? 'full' : 'ci']
  const progress = options.progress ?? (() => {})
  const dir = await tempDir('flood-mailbox')
  const clients: Client[] = []
  let node: BootstrapProc | undefined
  let sampler: ReturnType<typeof setInterval> | undefined
  try {
    node = await startBootstrap([
      '--data', dir.path, '--listen', '/ip4/127.0.0.1/tcp/0', '--allow-loopback',
      '--mailbox-quota', `${scale.quotaCount},${scale.quotaBytes}`, '--mailbox-difficulty', '8',
      // the rate lets the flood reach the quota: what refuses it must be the quota and the share
      '--mailbox-rate', '60000',
      ...(options.depositorShare == null ? [] : ['--mailbox-depositor-share', String(options.depositorShare)])
    ])
    const policy = (node.proc.lines.find(line => line.event === 'ready')?.mailbox ?? {}) as Record<string, number>
    const share = policy.depositorShare
    // what one depositor may hold (core's rule: a 1/share of the quota, at least 16 envelopes and one largest envelope)
    const shareCount = Math.min(scale.quotaCount, Math.max(Math.ceil(scale.quotaCount / share), 16))
    const shareBytes = Math.min(scale.quotaBytes, Math.max(Math.ceil(scale.quotaBytes / share), policy.maxEnvelopeBytes))

    const [flooder, honest, victimReader, bystander] = await Promise.all([client(node.addr), client(node.addr), client(node.addr), client(node.addr)])
    clients.push(flooder, honest, victimReader, bystander)
    const victim = (await generateDeviceKeys()).signing
    const other = (await generateDeviceKeys()).signing
    const victimTag = mailboxTag(victim.publicKey)
    const mailboxDir = join(dir.path, 'mailbox')
    const duBefore = await du(mailboxDir)
    const rssBefore = node.proc.rssMiB()
    let rssDuring = rssBefore ?? 0
    sampler = setInterval(() => { rssDuring = Math.max(rssDuring, node?.proc.rssMiB() ?? 0) }, 100)

    // the flood: 10x the quota, FLOOD_CONCURRENCY in flight
    const total = FLOOD_FACTOR * scale.quotaCount
    progress(`flood/mailbox: ${total} deposits to one inbox of quota ${scale.quotaCount} envelopes, ${kib(scale.quotaBytes)}; depositor share 1/${share}`)
    const refusals: Record<string, number> = {}
    let stored = 0
    let untyped = 0
    let done = 0
    let next = 0
    const flood = Promise.all(Array.from({ length: FLOOD_CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++
        try {
          await flooder.node.services.mailbox.deposit(flooder.mailbox, victimTag, randomEnvelope(floodSize(i)))
          stored++
        } catch (err: any) {
          if (isTyped(err)) {
            refusals[err.name] = (refusals[err.name] ?? 0) + 1
          } else {
            untyped++
            refusals[`untyped ${err.name}`] = (refusals[`untyped ${err.name}`] ?? 0) + 1
          }
        }
        done++
      }
    }))

    // the honest sender and the bystander, spread over the flood
    const honestHashes = new Set<string>()
    const honestRefusals: Record<string, number> = {}
    let otherServed = true
    const floodDone = (): number => done
    const honestRun = (async () => {
      for (let k = 1; k <= scale.honest; k++) {
        const at = (k * total) / (scale.honest + 1)
        await until(() => floodDone() >= at, 60_000)
        const envelope = randomEnvelope(1024)
        try {
          const receipt = await honest.node.services.mailbox.deposit(honest.mailbox, victimTag, envelope)
          honestHashes.add(hex(receipt.envelopeHash))
        } catch (err: any) {
          const name = isTyped(err) ? err.name : `untyped ${err.name}`
          honestRefusals[name] = (honestRefusals[name] ?? 0) + 1
        }
        if (k === Math.ceil(scale.honest / 2)) {
          // another inbox, mid-flood: deposited and fetched by its owner
          try {
            const envelope = randomEnvelope(2048)
            await bystander.node.services.mailbox.deposit(bystander.mailbox, mailboxTag(other.publicKey), envelope)
            const page = await bystander.node.services.mailbox.fetch(bystander.mailbox, other)
            otherServed = page.entries.some(entry => hex(entry.envelope) === hex(envelope))
          } catch {
            otherServed = false
          }
        }
      }
    })()
    await Promise.all([flood, honestRun])
    clearInterval(sampler)
    rssDuring = Math.max(rssDuring, node.proc.rssMiB() ?? 0)

    // what the victim's inbox holds, seen by its owner
    const entries = await drain(victimReader, victim)
    const heldCount = entries.length
    const heldBytes = entries.reduce((sum, entry) => sum + entry.envelope.length, 0)
    const delivered = entries.filter(entry => honestHashes.has(hex(entry.hash))).length
    const floodHeld = heldCount - delivered
    const floodBytes = heldBytes - entries.filter(entry => honestHashes.has(hex(entry.hash))).reduce((sum, entry) => sum + entry.envelope.length, 0)
    await new Promise(resolve => setTimeout(resolve, 1_000))
    const duAfter = await du(mailboxDir)
    const rssAfter = node.proc.rssMiB()
    const alive = node.proc.running

    const duGrowth = duAfter - duBefore
    const duBound = scale.quotaBytes + MAILBOX_FLOOD_DISK_OVERHEAD_MIB * 1024 * 1024
    const within = (value: number | undefined): boolean => rssBefore != null && value != null && value - rssBefore <= MAILBOX_FLOOD_RSS_BUDGET_MIB
    const rejected = Object.entries(refusals).filter(([name]) => !name.startsWith('untyped')).reduce((sum, [, n]) => sum + n, 0)
    const names = (counts: Record<string, number>): string => Object.entries(counts).map(([name, n]) => `${name} ${n}`).join(', ') || 'none'
    const quotaMet = heldCount <= scale.quotaCount && heldBytes <= scale.quotaBytes
    const shareMet = floodHeld <= shareCount && floodBytes <= shareBytes
    const honestSent = scale.honest
    const honestDelivered = delivered

    return [
      {
        area: 'flood',
        name: 'mailbox flood at 10x quota',
        tried: total,
        accepted: stored,
        rejected,
        untyped,
        crashes: alive && otherServed ? 0 : 1,
        lost: 0,
        detail: `inbox holds ${heldCount}/${scale.quotaCount} envelopes, ${kib(heldBytes)}/${kib(scale.quotaBytes)}; ` +
          `the flooder's ${floodHeld} envelopes, ${kib(floodBytes)} (its share: ${shareCount}, ${kib(shareBytes)}, 1/${share} of the quota); ` +
          `refusals: ${names(refusals)}; mailbox db on disk ${kib(duBefore)} -> ${kib(duAfter)} (+${kib(duGrowth)}, bound +${kib(duBound)}); ` +
          `node RSS before ${mib(rssBefore)}, during (max) ${mib(rssDuring)}, after ${mib(rssAfter)} (budget +${MAILBOX_FLOOD_RSS_BUDGET_MIB} MiB); ` +
          `another inbox served during the flood: ${otherServed ? 'yes' : 'no'}`,
        target: 'stored <= quota and share, refusals typed, disk and RSS bounded',
        met: alive && otherServed && quotaMet && shareMet && untyped === 0 && stored + rejected === total && duGrowth <= duBound && within(rssDuring) && within(rssAfter)
      },
      {
        area: 'flood',
        name: 'mailbox flood: honest deposits',
        tried: honestSent,
        accepted: honestDelivered,
        rejected: 0,
        untyped: 0,
        crashes: alive ? 0 : 1,
        lost: honestSent - honestDelivered,
        detail: `an honest sender deposited ${honestSent} envelopes to the flooded inbox during the flood: ${honestHashes.size} receipts, ` +
          `${honestDelivered} fetched by the inbox's owner; refused: ${names(honestRefusals)}; depositor share 1/${share}` +
          `${share === 1 ? ' (negative control: one peer may fill an inbox)' : ''}`,
        target: 'every honest envelope delivered',
        met: alive && honestDelivered === honestSent
      }
    ]
  } finally {
    clearInterval(sampler)
    for (const c of clients) { await Promise.resolve(c.node.stop()).catch(() => {}) }
    await node?.proc.stop()
    await dir.remove()
  }
}

export const mailboxFlood: Scenario = async options => runMailboxFlood(options)
