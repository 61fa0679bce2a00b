/**
 * What a mailbox node keeps, in an abstract-level database (classic-level on
 * a bootstrap node, memory-level in tests), under the sublevel `mailbox`.
 * Keys are UTF-8, fixed-width lowercase hex, so their order is numeric order:
 *
 * | key | value |
 * |---|---|
 * | `e!<tag>!<seq>` | an encoded MailboxEntry (hash, envelope, stored_at, expires_at) |
 * | `h!<tag>!<hash>` | u64be(seq): finds an envelope by hash (idempotent deposits, ACK) |
 * | `u!<tag>` | u64be(count) u64be(bytes): the inbox's usage, absent when empty |
 * | `d!<tag>!<depositor>` | u64be(count) u64be(bytes): what one depositor holds in the inbox, absent when nothing |
 * | `x!<expires_at>!<tag>!<seq>` | the entry's depositor id (empty for entries stored before there were any): the expiry index the sweep walks |
 * | `m!seq` | u64be(last sequence number issued) |
 * | `m!usage` | u64be(count) u64be(bytes): every inbox together |
 *
 * `tag` and `hash` are 64 hex digits, `seq` and `expires_at` 16, `depositor`
 * 32 (a 16-byte hash of the depositing peer's id, see `depositorId`). The
 * sequence number is one counter for the node, persisted with each deposit,
 * so an inbox's entries are in deposit order and a cursor stays valid across
 * restarts and never goes back. Every write goes through one promise chain,
 * so usage counters cannot race, and each is a single batch written with
 * `{ sync: true }` (classic-level then flushes it to disk before the batch
 * resolves; other levels ignore the option).
 */

import { sha256 } from '@noble/hashes/sha2.js'
import { MailboxEntry } from '../../protocol/pb/mailbox.ts'
import { concat, hex, own, readU64be, u64be } from '../../utils/bytes.ts'
import { DEPOSITOR_ID_LENGTH, MAILBOX_DEPOSITOR_CONTEXT } from './constants.ts'
import type { AbstractBatchOperation, AbstractLevel, AbstractSublevel } from 'abstract-level'

type Db = AbstractLevel<any, any, any>
type Sub = AbstractSublevel<any, any, string, Uint8Array>
type Operation = AbstractBatchOperation<Sub, string, Uint8Array>

/** classic-level honours `sync` (fsync before the write returns); other levels ignore it */
const DURABLE = { sync: true } as unknown as Record<string, never>

/** Bytes a page entry takes besides its encoded MailboxEntry: field tag (1) and length varint (at most 3 below 2 MiB) */
const PAGE_ENTRY_HEADER = 4

const SEQ_KEY = 'm!seq'
const TOTALS_KEY = 'm!usage'
const EMPTY = new Uint8Array(0)

export interface MailboxUsage {
  count: number
  bytes: number
}

export interface StoredEntry {
  seq: number
  hash: Uint8Array
  envelope: Uint8Array
  storedAt: number
  expiresAt: number
}

/** An entry to delete: its sequence number and, when known, its hash and expiry key */
interface Target {
  seq: number
  hashHex?: string
  expiryKey?: string
}

export interface DepositLimits {
  quotaCount: number
  quotaBytes: number
  /** What one depositor may hold in one inbox (its share of the quota) */
  depositorCount: number
  depositorBytes: number
  maxTotalCount: number
  maxTotalBytes: number
}

export type DepositResult =
  | { outcome: 'stored' | 'duplicate', entry: StoredEntry }
  | { outcome: 'quota', reason: string }
  | { outcome: 'full', reason: string }

export interface FetchResult {
  entries: StoredEntry[]
  /** Sequence number of the last entry returned or skipped (the next cursor) */
  lastSeq: number
  more: boolean
}

const hex16 = (n: number): string => n.toString(16).padStart(16, '0')

const DEPOSITOR_PREFIX = new TextEncoder().encode(MAILBOX_DEPOSITOR_CONTEXT)

/**
 * The id a depositor's usage is kept under: a hash of its peer id, so the
 * database names no peer (the node sees the peer id of every deposit anyway;
 * on disk the id links the deposits of one peer to one inbox while they are
 * stored)
 */
export function depositorId (peerIdBytes: Uint8Array): Uint8Array {
  return sha256(concat([DEPOSITOR_PREFIX, peerIdBytes])).subarray(0, DEPOSITOR_ID_LENGTH)
}

const entryKey = (tagHex: string, seq: number): string => `e!${tagHex}!${hex16(seq)}`
const hashKey = (tagHex: string, hashHex: string): string => `h!${tagHex}!${hashHex}`
const usageKey = (tagHex: string): string => `u!${tagHex}`
const depositorKey = (tagHex: string, depositorHex: string): string => `d!${tagHex}!${depositorHex}`
const expiryKey = (expiresAt: number, tagHex: string, seq: number): string => `x!${hex16(expiresAt)}!${tagHex}!${hex16(seq)}`

function encodeUsage (usage: MailboxUsage): Uint8Array {
  const out = new Uint8Array(16)
  out.set(u64be(usage.count))
  out.set(u64be(usage.bytes), 8)
  return out
}

function decodeUsage (bytes: Uint8Array | undefined): MailboxUsage {
  return bytes == null || bytes.length !== 16 ? { count: 0, bytes: 0 } : { count: readU64be(bytes), bytes: readU64be(bytes, 8) }
}

/** Writes the usage of each depositor in `usages`, deleting those that hold nothing */
function depositorOps (tagHex: string, usages: Map<string, MailboxUsage>): Operation[] {
  return [...usages].map(([depositorHex, usage]): Operation => usage.count <= 0
    ? { type: 'del', key: depositorKey(tagHex, depositorHex) }
    : { type: 'put', key: depositorKey(tagHex, depositorHex), value: encodeUsage(usage) })
}

function decodeEntry (seq: number, value: Uint8Array): StoredEntry {
  const entry = MailboxEntry.decode(value)
  return {
    seq,
    hash: entry.hash ?? EMPTY,
    envelope: entry.envelope ?? EMPTY,
    storedAt: Number(entry.storedAt ?? 0n),
    expiresAt: Number(entry.expiresAt ?? 0n)
  }
}

export class MailboxStore {
  private readonly db: Sub
  private tail: Promise<unknown> = Promise.resolve()
  private lastSeq = 0
  private totals: MailboxUsage = { count: 0, bytes: 0 }
  private loaded?: Promise<void>

  constructor (db: Db) {
    this.db = db.sublevel<string, Uint8Array>('mailbox', { keyEncoding: 'utf8', valueEncoding: 'view' })
  }

  /** Read the sequence counter and the totals (once) */
  async load (): Promise<void> {
    this.loaded ??= this.exclusive(async () => {
      const [seq, totals] = await this.db.getMany([SEQ_KEY, TOTALS_KEY])
      this.lastSeq = seq == null ? 0 : readU64be(seq)
      this.totals = decodeUsage(totals)
    }).catch(err => {
      this.loaded = undefined
      throw err
    })
    return this.loaded
  }

  /** Every envelope held, every inbox together */
  get total (): MailboxUsage {
    return { ...this.totals }
  }

  /** Resolves once every write queued so far is done */
  async idle (): Promise<void> {
    await this.tail.catch(() => {})
  }

  async usage (tag: Uint8Array): Promise<MailboxUsage> {
    return decodeUsage(await this.db.get(usageKey(hex(tag))))
  }

  /** Run `task` after every write queued before it: one writer at a time */
  private async exclusive<T> (task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task)
    this.tail = run.catch(() => {})
    return run
  }

  /** What the depositor with this id (`depositorId`) holds in an inbox */
  async depositorUsage (tag: Uint8Array, depositor: Uint8Array): Promise<MailboxUsage> {
    return decodeUsage(await this.db.get(depositorKey(hex(tag), hex(depositor))))
  }

  /**
   * Store an envelope unless this inbox already holds it (then return the
   * stored copy) or it would go over a quota: the inbox's, the node's, or
   * the depositor's share of the inbox. An expired copy not yet swept is
   * replaced.
   */
  async deposit (tag: Uint8Array, hash: Uint8Array, envelope: Uint8Array, now: number, retentionMs: number, limits: DepositLimits, depositor: Uint8Array): Promise<DepositResult> {
    return this.exclusive(async () => {
      const tagHex = hex(tag)
      const hashHex = hex(hash)
      const depositorHex = hex(depositor)
      const ops: Operation[] = []
      const [seqBytes, usageBytes, depositorBytes] = await this.db.getMany([hashKey(tagHex, hashHex), usageKey(tagHex), depositorKey(tagHex, depositorHex)])
      const usage = decodeUsage(usageBytes)
      // every depositor whose usage this batch changes, this one included
      const depositors = new Map<string, MailboxUsage>([[depositorHex, decodeUsage(depositorBytes)]])
      let totals = { ...this.totals }

      if (seqBytes != null) {
        const seq = readU64be(seqBytes)
        const value = await this.db.get(entryKey(tagHex, seq))
        const stored = value == null ? undefined : decodeEntry(seq, value)
        if (stored != null && stored.expiresAt > now) {
          return { outcome: 'duplicate', entry: stored }
        }
        // expired and not swept yet, or an index entry without its envelope: replace it
        ops.push({ type: 'del', key: hashKey(tagHex, hashHex) })
        if (stored != null) {
          const storedExpiry = expiryKey(stored.expiresAt, tagHex, seq)
          const owner = await this.db.get(storedExpiry)
          ops.push({ type: 'del', key: entryKey(tagHex, seq) }, { type: 'del', key: storedExpiry })
          usage.count -= 1
          usage.bytes -= stored.envelope.length
          totals = { count: totals.count - 1, bytes: totals.bytes - stored.envelope.length }
          if (owner != null && owner.length > 0) {
            const ownerHex = hex(owner)
            const ownerUsage = depositors.get(ownerHex) ?? decodeUsage(await this.db.get(depositorKey(tagHex, ownerHex)))
            depositors.set(ownerHex, { count: ownerUsage.count - 1, bytes: ownerUsage.bytes - stored.envelope.length })
          }
        }
      }
      const mine = depositors.get(depositorHex) ?? { count: 0, bytes: 0 }

      if (usage.count + 1 > limits.quotaCount) {
        return { outcome: 'quota', reason: `inbox holds ${usage.count} envelopes, the quota is ${limits.quotaCount}` }
      }
      if (usage.bytes + envelope.length > limits.quotaBytes) {
        return { outcome: 'quota', reason: `inbox holds ${usage.bytes} bytes, ${envelope.length} more would pass the quota of ${limits.quotaBytes}` }
      }
      if (mine.count + 1 > limits.depositorCount) {
        return { outcome: 'quota', reason: `this peer's deposits fill its share of the inbox: ${mine.count} envelopes, at most ${limits.depositorCount} per depositor` }
      }
      if (mine.bytes + envelope.length > limits.depositorBytes) {
        return { outcome: 'quota', reason: `this peer's deposits fill its share of the inbox: ${mine.bytes} bytes, ${envelope.length} more would pass ${limits.depositorBytes} per depositor` }
      }
      if (totals.count + 1 > limits.maxTotalCount) {
        return { outcome: 'full', reason: `mailbox node holds ${totals.count} envelopes, its limit is ${limits.maxTotalCount}` }
      }
      if (totals.bytes + envelope.length > limits.maxTotalBytes) {
        return { outcome: 'full', reason: `mailbox node holds ${totals.bytes} bytes, ${envelope.length} more would pass its limit of ${limits.maxTotalBytes}` }
      }

      const seq = this.lastSeq + 1
      const entry: StoredEntry = { seq, hash, envelope, storedAt: now, expiresAt: now + retentionMs }
      usage.count += 1
      usage.bytes += envelope.length
      depositors.set(depositorHex, { count: mine.count + 1, bytes: mine.bytes + envelope.length })
      totals = { count: totals.count + 1, bytes: totals.bytes + envelope.length }
      ops.push(
        { type: 'put', key: entryKey(tagHex, seq), value: MailboxEntry.encode({ hash: own(entry.hash), envelope: own(entry.envelope), storedAt: BigInt(entry.storedAt), expiresAt: BigInt(entry.expiresAt) }) },
        { type: 'put', key: hashKey(tagHex, hashHex), value: u64be(seq) },
        { type: 'put', key: expiryKey(entry.expiresAt, tagHex, seq), value: own(depositor) },
        { type: 'put', key: usageKey(tagHex), value: encodeUsage(usage) },
        ...depositorOps(tagHex, depositors),
        { type: 'put', key: SEQ_KEY, value: u64be(seq) },
        { type: 'put', key: TOTALS_KEY, value: encodeUsage(totals) }
      )
      await this.db.batch(ops, DURABLE)
      this.lastSeq = seq
      this.totals = totals
      return { outcome: 'stored', entry }
    })
  }

  /**
   * Entries of an inbox after sequence number `afterSeq`, in deposit order,
   * skipping expired ones: at most `limit` entries and `maxBytes` of encoded
   * entries (at least one entry when any is left), reading at most `maxScan`.
   */
  async fetch (tag: Uint8Array, afterSeq: number, limit: number, maxBytes: number, maxScan: number, now: number): Promise<FetchResult> {
    const tagHex = hex(tag)
    const entries: StoredEntry[] = []
    let lastSeq = afterSeq
    let budget = maxBytes
    let scanned = 0
    let more = false
    for await (const [key, value] of this.db.iterator({ gt: entryKey(tagHex, afterSeq), lt: `e!${tagHex}!~`, limit: maxScan })) {
      scanned++
      const seq = parseInt(key.slice(-16), 16)
      const entry = decodeEntry(seq, value)
      if (entry.expiresAt <= now) {
        lastSeq = seq
        continue
      }
      const size = value.byteLength + PAGE_ENTRY_HEADER
      if (entries.length >= limit || (size > budget && entries.length > 0)) {
        more = true
        break
      }
      entries.push(entry)
      budget -= size
      lastSeq = seq
    }
    if (!more && scanned === maxScan) {
      more = true
    }
    return { entries, lastSeq, more }
  }

  /** Delete the envelopes of an inbox with these hashes; resolves with how many were there */
  async ack (tag: Uint8Array, hashes: Uint8Array[]): Promise<number> {
    return this.exclusive(async () => {
      const tagHex = hex(tag)
      const unique = [...new Set(hashes.map(hash => hex(hash)))]
      if (unique.length === 0) {
        return 0
      }
      const seqs = await this.db.getMany(unique.map(hashHex => hashKey(tagHex, hashHex)))
      const found: Target[] = []
      seqs.forEach((seq, i) => {
        if (seq != null) { found.push({ hashHex: unique[i], seq: readU64be(seq) }) }
      })
      return this.remove(tagHex, found)
    })
  }

  /** Delete every envelope that expired at or before `now`, `batch` at a time; resolves with how many */
  async sweep (now: number, batch: number): Promise<number> {
    let purged = 0
    while (true) {
      const { read, removed } = await this.exclusive(async () => {
        const keys = await this.db.keys({ gte: 'x!', lt: `x!${hex16(now + 1)}`, limit: batch }).all()
        const byTag = new Map<string, Target[]>()
        for (const key of keys) {
          const [, , tagHex, seqHex] = key.split('!')
          const targets = byTag.get(tagHex) ?? []
          targets.push({ seq: parseInt(seqHex, 16), expiryKey: key })
          byTag.set(tagHex, targets)
        }
        let removed = 0
        for (const [tagHex, targets] of byTag) {
          removed += await this.remove(tagHex, targets)
        }
        return { read: keys.length, removed }
      })
      purged += removed
      // every expiry key read was deleted, so a short batch means none is left
      if (read < batch) {
        return purged
      }
    }
  }

  /**
   * Delete entries of one inbox and their index keys, and lower the usage
   * counters, in one batch. An index key whose entry is already gone is
   * deleted too. Must run inside `exclusive`.
   */
  private async remove (tagHex: string, targets: Target[]): Promise<number> {
    const values = await this.db.getMany(targets.map(({ seq }) => entryKey(tagHex, seq)))
    const entries = values.map((value, i) => value == null ? undefined : decodeEntry(targets[i].seq, value))
    // the expiry keys hold each entry's depositor
    const owners = await this.db.getMany(entries.map((entry, i) => entry == null ? expiryKey(0, tagHex, 0) : expiryKey(entry.expiresAt, tagHex, targets[i].seq)))
    const usage = decodeUsage(await this.db.get(usageKey(tagHex)))
    const totals = { ...this.totals }
    const freed = new Map<string, MailboxUsage>()
    const ops: Operation[] = []
    let removed = 0
    targets.forEach((target, i) => {
      const entry = entries[i]
      if (entry == null) {
        if (target.hashHex != null) { ops.push({ type: 'del', key: hashKey(tagHex, target.hashHex) }) }
        if (target.expiryKey != null) { ops.push({ type: 'del', key: target.expiryKey }) }
        return
      }
      ops.push(
        { type: 'del', key: entryKey(tagHex, target.seq) },
        { type: 'del', key: hashKey(tagHex, hex(entry.hash)) },
        { type: 'del', key: expiryKey(entry.expiresAt, tagHex, target.seq) }
      )
      usage.count -= 1
      usage.bytes -= entry.envelope.length
      totals.count -= 1
      totals.bytes -= entry.envelope.length
      const owner = owners[i]
      if (owner != null && owner.length > 0) {
        const ownerHex = hex(owner)
        const sum = freed.get(ownerHex) ?? { count: 0, bytes: 0 }
        freed.set(ownerHex, { count: sum.count + 1, bytes: sum.bytes + entry.envelope.length })
      }
      removed++
    })
    if (ops.length === 0) {
      return 0
    }
    if (removed > 0) {
      ops.push(usage.count <= 0
        ? { type: 'del', key: usageKey(tagHex) }
        : { type: 'put', key: usageKey(tagHex), value: encodeUsage(usage) })
      ops.push({ type: 'put', key: TOTALS_KEY, value: encodeUsage(totals) })
      const depositors = [...freed.keys()]
      const held = await this.db.getMany(depositors.map(depositorHex => depositorKey(tagHex, depositorHex)))
      ops.push(...depositorOps(tagHex, new Map(depositors.map((depositorHex, i) => {
        const before = decodeUsage(held[i])
        const less = freed.get(depositorHex) ?? { count: 0, bytes: 0 }
        return [depositorHex, { count: before.count - less.count, bytes: before.bytes - less.bytes }]
      }))))
    }
    await this.db.batch(ops, DURABLE)
    this.totals = totals
    return removed
  }
}
