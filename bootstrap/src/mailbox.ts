/**
 * The offline mailbox of a bootstrap node (`@hypha/core`'s `mailboxServer`):
 * its database under the data directory, and its limits from the command
 * line or the environment.
 *
 * Flag syntax (a bare number is seconds or bytes):
 *
 * - durations: `<n>[ms|s|m|h|d]`, e.g. `30d`, `12h`, `2s`, `500ms`
 * - sizes: `<n>[B|KiB|MiB|GiB]` (binary units, any case), e.g. `262144`, `256KiB`, `64MiB`
 * - `--mailbox-quota <count>[,<size>]`: envelopes per inbox, then optionally bytes per inbox
 * - `--mailbox-rate <n>`: deposits per remote peer per minute (n at once, then one every 60000/n ms)
 * - `--mailbox-depositor-share <n>`: one depositor may hold 1/n of an inbox's quota (1: the whole inbox)
 */

import { join } from 'node:path'
import { constants } from '@hypha/core'
import { flagOrEnv, UsageError } from '@hypha/relay-circuit'
import { Level } from 'level'
import type { MailboxServerInit } from '@hypha/core'

type Env = Record<string, string | undefined>

/** Folder of the mailbox database inside a node's data directory (its own LevelDB, apart from the datastore) */
export const MAILBOX_DIR = 'mailbox'

/** Mailbox server settings without the database (the node opens it under `--data`) */
export type MailboxOptions = Omit<MailboxServerInit, 'db'>

/** The mailbox flags (parseArgs options) */
export const MAILBOX_FLAGS = {
  'mailbox-retention': { type: 'string' },
  'mailbox-quota': { type: 'string' },
  'mailbox-max-size': { type: 'string' },
  'mailbox-difficulty': { type: 'string' },
  'mailbox-rate': { type: 'string' },
  'mailbox-depositor-share': { type: 'string' },
  'mailbox-sweep': { type: 'string' }
} as const

/** Longest retention a receipt can carry: the wire field is a uint32 of seconds */
export const MAX_MAILBOX_RETENTION = 0xffffffff

/** Largest envelope a node may accept: a FETCH page must hold one, and clients read frames of at most MAILBOX_MAX_FRAME_BYTES */
export const MAX_MAILBOX_ENVELOPE_BYTES = constants.MAILBOX_MAX_PAGE_BYTES - constants.MAILBOX_FRAME_OVERHEAD

/** Most envelopes a per-inbox quota may name: the INFO field is a uint32 */
export const MAX_MAILBOX_QUOTA_COUNT = 0xffffffff

/** Longest sweep interval: expired envelopes should not linger (and timers take at most 2^31-1 ms) */
export const MAX_MAILBOX_SWEEP_INTERVAL = 24 * 60 * 60 * 1000

/** Highest `--mailbox-depositor-share`: past it the share's floor (core's MAILBOX_DEPOSITOR_MIN_ENVELOPES) decides anyway */
export const MAX_MAILBOX_DEPOSITOR_SHARE = 1024

/** Highest `--mailbox-rate`: one deposit per ms */
export const MAX_MAILBOX_RATE = 60_000

const MS_PER_MINUTE = 60_000

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const SIZE_UNITS: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }

/**
 * A duration in ms: `<n>[ms|s|m|h|d]`, a bare number is seconds.
 *
 * @throws {UsageError} naming `--${flag}` when `value` is not such a duration
 */
export function parseDuration (flag: string, value: string): number {
  const match = /^([0-9]+)(ms|s|m|h|d)?$/.exec(value)
  const ms = match == null ? NaN : Number(match[1]) * DURATION_UNITS[match[2] ?? 's']
  if (!Number.isSafeInteger(ms)) {
    throw new UsageError(`--${flag} must be a duration such as 30d, 12h, 15m, 2s or 500ms (a bare number is seconds), got "${value}"`)
  }
  return ms
}

/**
 * A size in bytes: `<n>[B|KiB|MiB|GiB]`, any case; a bare number is bytes.
 *
 * @throws {UsageError} naming `--${flag}` when `value` is not such a size
 */
export function parseSize (flag: string, value: string): number {
  const match = /^([0-9]+)(b|kib|mib|gib)?$/i.exec(value)
  const bytes = match == null ? NaN : Number(match[1]) * SIZE_UNITS[(match[2] ?? 'b').toLowerCase()]
  if (!Number.isSafeInteger(bytes)) {
    throw new UsageError(`--${flag} must be a size such as 262144, 256KiB or 64MiB (a bare number is bytes), got "${value}"`)
  }
  return bytes
}

function parseInteger (flag: string, value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(n)) {
    throw new UsageError(`--${flag} must be a whole number, got "${value}"`)
  }
  return n
}

function inRange (flag: string, value: string, n: number, min: number, max: number, unit: (n: number) => string = String): number {
  if (n < min || n > max) {
    throw new UsageError(`--${flag} must be from ${unit(min)} to ${unit(max)}, got "${value}"`)
  }
  return n
}

const seconds = (ms: number): string => `${ms / 1000}s`
const bytes = (n: number): string => n === 1 ? '1 byte' : `${n} bytes`

/**
 * Mailbox settings from `--mailbox-*` flags, or their environment variables
 * (`${prefix}_MAILBOX_RETENTION`, ...). Unset flags are left out, so the
 * server's defaults (core's MAILBOX_* constants) apply.
 *
 * @throws {UsageError} naming the flag, for a value that does not parse or is out of range
 */
export function mailboxOptionsFromFlags (values: Record<string, unknown>, env: Env, prefix: string): MailboxOptions {
  const options: MailboxOptions = {}
  const flag = (name: keyof typeof MAILBOX_FLAGS): string | undefined => flagOrEnv(values, env, prefix, name)

  const retention = flag('mailbox-retention')
  if (retention != null) {
    const ms = parseDuration('mailbox-retention', retention)
    if (ms % 1000 !== 0) {
      throw new UsageError(`--mailbox-retention must be whole seconds, got "${retention}"`)
    }
    options.retention = inRange('mailbox-retention', retention, ms, 1000, MAX_MAILBOX_RETENTION * 1000, seconds) / 1000
  }

  const quota = flag('mailbox-quota')
  if (quota != null) {
    const match = /^([^,]*)(?:,(.*))?$/.exec(quota)
    const [count, size] = [match?.[1] ?? '', match?.[2]]
    if (!/^[0-9]+$/.test(count)) {
      throw new UsageError(`--mailbox-quota must be <count>[,<size>], e.g. 10000 or 10000,64MiB, got "${quota}"`)
    }
    options.quotaCount = inRange('mailbox-quota', quota, parseInteger('mailbox-quota', count), 1, MAX_MAILBOX_QUOTA_COUNT)
    if (size != null) {
      options.quotaBytes = inRange('mailbox-quota', quota, parseSize('mailbox-quota', size), 1, Number.MAX_SAFE_INTEGER, bytes)
    }
  }

  const maxSize = flag('mailbox-max-size')
  if (maxSize != null) {
    options.maxEnvelopeBytes = inRange('mailbox-max-size', maxSize, parseSize('mailbox-max-size', maxSize), 1, MAX_MAILBOX_ENVELOPE_BYTES, bytes)
  }

  const difficulty = flag('mailbox-difficulty')
  if (difficulty != null) {
    options.difficulty = inRange('mailbox-difficulty', difficulty, parseInteger('mailbox-difficulty', difficulty), 0, constants.MAX_STAMP_DIFFICULTY)
  }

  const rate = flag('mailbox-rate')
  if (rate != null) {
    const perMinute = inRange('mailbox-rate', rate, parseInteger('mailbox-rate', rate), 1, MAX_MAILBOX_RATE)
    // a token bucket: a minute's worth at once, then one token every 60000/n ms
    options.depositBurst = perMinute
    options.depositInterval = Math.round(MS_PER_MINUTE / perMinute)
  }

  const share = flag('mailbox-depositor-share')
  if (share != null) {
    options.depositorShare = inRange('mailbox-depositor-share', share, parseInteger('mailbox-depositor-share', share), 1, MAX_MAILBOX_DEPOSITOR_SHARE)
  }

  const sweep = flag('mailbox-sweep')
  if (sweep != null) {
    options.sweepInterval = inRange('mailbox-sweep', sweep, parseDuration('mailbox-sweep', sweep), 1, MAX_MAILBOX_SWEEP_INTERVAL, ms => `${ms}ms`)
  }

  return options
}

/** What a node's mailbox applies (the `mailbox` field of the `--json` ready line) */
export interface MailboxPolicy {
  /** Leading zero bits a deposit stamp needs */
  difficulty: number
  /** Seconds an envelope is kept */
  retention: number
  /** Largest envelope stored, in bytes */
  maxEnvelopeBytes: number
  /** Envelopes and envelope bytes one inbox may hold */
  quotaCount: number
  quotaBytes: number
  /** Deposits one remote peer may make at once, then one more every depositInterval ms */
  depositBurst: number
  depositInterval: number
  /** One depositor may hold 1/depositorShare of an inbox's quota (1: the whole inbox) */
  depositorShare: number
  /** ms between purges of expired envelopes */
  sweepInterval: number
}

/** The settings `options` leave to the server, filled in with its defaults */
export function mailboxPolicy (options: MailboxOptions = {}): MailboxPolicy {
  return {
    difficulty: options.difficulty ?? constants.MAILBOX_STAMP_DIFFICULTY,
    retention: options.retention ?? constants.MAILBOX_RETENTION,
    maxEnvelopeBytes: options.maxEnvelopeBytes ?? constants.MAILBOX_MAX_ENVELOPE_BYTES,
    quotaCount: options.quotaCount ?? constants.MAILBOX_QUOTA_COUNT,
    quotaBytes: options.quotaBytes ?? constants.MAILBOX_QUOTA_BYTES,
    depositBurst: options.depositBurst ?? constants.MAILBOX_DEPOSIT_BURST,
    depositInterval: options.depositInterval ?? constants.MAILBOX_DEPOSIT_INTERVAL,
    depositorShare: options.depositorShare ?? constants.MAILBOX_DEPOSITOR_SHARE,
    sweepInterval: options.sweepInterval ?? constants.MAILBOX_SWEEP_INTERVAL
  }
}

/**
 * Open the mailbox database (LevelDB under `<dir>/mailbox`). The server
 * writes each deposit with `{ sync: true }`, so a receipt means the envelope
 * is on disk. Close it after the node stops.
 *
 * @throws {Error} when the database cannot be opened (e.g. another process holds it)
 */
export async function openMailboxDb (dir: string): Promise<Level<string, Uint8Array>> {
  const db = new Level<string, Uint8Array>(join(dir, MAILBOX_DIR), { keyEncoding: 'utf8', valueEncoding: 'view' })
  await db.open()
  return db
}
