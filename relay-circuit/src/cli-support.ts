/**
 * What the volunteer node binaries (`hypha-relay`, `hypha-bootstrap`) share:
 * flag and environment parsing, the ready line, exit codes and graceful
 * shutdown.
 *
 * Conventions: a usage error (unknown flag, bad value) prints one line on
 * stderr and exits 1 before anything is touched on disk or network; an
 * operational error (a port in use, an unreadable key) exits 2; SIGINT and
 * SIGTERM stop libp2p and exit 0.
 */

import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import { relayLimits } from './limits.ts'
import type { RelayLimitsInit } from './limits.ts'
import type { Libp2p } from '@libp2p/interface'
import type { ParseArgsConfig } from 'node:util'

/** A command line or environment value the binary cannot use: exit code 1 */
export class UsageError extends Error {
  static name = 'UsageError'

  constructor (message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export const EXIT_USAGE = 1
export const EXIT_OPERATIONAL = 2

/** How long a graceful stop may take before the process exits anyway (code 2) */
export const SHUTDOWN_TIMEOUT = 10_000

type Env = Record<string, string | undefined>
type ParseOptions = NonNullable<ParseArgsConfig['options']>

/** What `parseFlags` returns: flag name to value */
export type FlagValues = Record<string, string | boolean | Array<string | boolean> | undefined>

/** `parseArgs` for the binaries: strict, no positionals; its errors become UsageError */
export function parseFlags (argv: string[], options: ParseOptions): FlagValues {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values
  } catch (err: any) {
    throw new UsageError(err.message)
  }
}

/** Flags of the relay limits, shared by both binaries (parseArgs options) */
export const RELAY_LIMIT_FLAGS = {
  'max-reservations': { type: 'string' },
  'reservation-ttl': { type: 'string' },
  'connection-duration': { type: 'string' },
  'connection-data': { type: 'string' }
} as const satisfies ParseOptions

const LIMIT_OF_FLAG: Record<keyof typeof RELAY_LIMIT_FLAGS, keyof RelayLimitsInit> = {
  'max-reservations': 'maxReservations',
  'reservation-ttl': 'reservationTtl',
  'connection-duration': 'defaultDurationLimit',
  'connection-data': 'defaultDataLimit'
}

/** `--max-reservations` -> `${prefix}_MAX_RESERVATIONS` */
export function envName (prefix: string, flag: string): string {
  return `${prefix}_${flag.toUpperCase().replaceAll('-', '_')}`
}

/** A flag's value, else its environment variable's, else undefined */
export function flagOrEnv (values: Record<string, unknown>, env: Env, prefix: string, flag: string): string | undefined {
  const value = values[flag]
  if (typeof value === 'string') {
    return value
  }
  const fromEnv = env[envName(prefix, flag)]
  return fromEnv === '' ? undefined : fromEnv
}

/** A boolean flag, or its environment variable set to 1/true/yes */
export function booleanFlag (values: Record<string, unknown>, env: Env, prefix: string, flag: string): boolean {
  if (values[flag] === true) {
    return true
  }
  const fromEnv = env[envName(prefix, flag)]
  return fromEnv != null && ['1', 'true', 'yes'].includes(fromEnv.toLowerCase())
}

/**
 * Relay limits from flags (or environment), checked by `relayLimits()`.
 * Durations are in milliseconds, data in bytes.
 *
 * @throws {UsageError} for a value that is not a positive integer or is above its maximum
 */
export function relayLimitsFromFlags (values: Record<string, unknown>, env: Env, prefix: string): RelayLimitsInit {
  const init: RelayLimitsInit = {}
  for (const [flag, name] of Object.entries(LIMIT_OF_FLAG)) {
    const value = flagOrEnv(values, env, prefix, flag)
    if (value === undefined) {
      continue
    }
    if (!/^[0-9]+$/.test(value)) {
      throw new UsageError(`--${flag} must be a positive integer, got "${value}"`)
    }
    init[name] = Number(value)
  }
  try {
    relayLimits(init)
  } catch (err: any) {
    throw new UsageError(err.message)
  }
  return init
}

/**
 * Listen addresses: every `--listen` flag, else the comma-separated
 * `${prefix}_LISTEN`, else the defaults.
 *
 * @throws {UsageError} for a string that is not a multiaddr
 */
export function listenAddresses (values: Record<string, unknown>, env: Env, prefix: string, defaults: string[]): string[] {
  const flags = values.listen
  let addresses: string[]
  if (Array.isArray(flags) && flags.length > 0) {
    addresses = flags
  } else if (env[`${prefix}_LISTEN`] != null && env[`${prefix}_LISTEN`] !== '') {
    addresses = (env[`${prefix}_LISTEN`] ?? '').split(',').map(s => s.trim()).filter(s => s !== '')
  } else {
    addresses = defaults
  }
  for (const address of addresses) {
    try {
      multiaddr(address)
    } catch {
      throw new UsageError(`--listen: "${address}" is not a multiaddr`)
    }
  }
  return addresses
}

/** The line `--json` prints once the node listens */
export interface ReadyEvent {
  event: 'ready'
  peerId: string
  multiaddrs: string[]
}

export function readyEvent (node: Libp2p<any>): ReadyEvent {
  return {
    event: 'ready',
    peerId: node.peerId.toString(),
    multiaddrs: node.getMultiaddrs().map(ma => ma.toString())
  }
}

export interface ServeOptions<T extends Libp2p<any>> {
  /** Program name, for messages */
  name: string
  /** Print the ready line as JSON (exactly one line) instead of text */
  json: boolean
  /** Build and start the node */
  start(): Promise<T>
  /** Text lines to print (without --json) once the node listens */
  describe(node: T): string[]
  /** Runs after the node stopped, before exit (close a datastore...) */
  afterStop?(): Promise<void>
}

function print (line: string): void {
  process.stdout.write(line + '\n')
}

function printError (name: string, message: string): void {
  process.stderr.write(`${name}: ${message}\n`)
}

/**
 * Start a node, print that it is ready, and stop it on SIGINT/SIGTERM
 * (exit 0). A failure to start exits 2.
 */
export async function serve<T extends Libp2p<any>> (options: ServeOptions<T>): Promise<void> {
  let node: T
  try {
    node = await options.start()
  } catch (err: any) {
    printError(options.name, `cannot start: ${err.message}`)
    await options.afterStop?.().catch(() => {})
    process.exit(EXIT_OPERATIONAL)
  }

  let stopping = false
  const shutdown = (signal: string): void => {
    if (stopping) {
      return
    }
    stopping = true
    const timer = setTimeout(() => {
      printError(options.name, `did not stop within ${SHUTDOWN_TIMEOUT} ms after ${signal}`)
      process.exit(EXIT_OPERATIONAL)
    }, SHUTDOWN_TIMEOUT)
    timer.unref()
    void (async () => {
      try {
        await node.stop()
        await options.afterStop?.()
      } catch (err: any) {
        printError(options.name, `error while stopping: ${err.message}`)
        process.exit(EXIT_OPERATIONAL)
      }
      process.exit(0)
    })()
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)

  if (options.json) {
    print(JSON.stringify(readyEvent(node)))
  } else {
    for (const line of options.describe(node)) {
      print(line)
    }
  }
}

/**
 * Run a binary's main function: a UsageError exits 1 with one line on
 * stderr, any other error exits 2.
 */
export async function runCli (name: string, main: () => Promise<void>): Promise<void> {
  try {
    await main()
  } catch (err: any) {
    if (err?.name === 'UsageError') {
      printError(name, `${err.message} (see --help)`)
      process.exit(EXIT_USAGE)
    }
    printError(name, err?.message ?? String(err))
    process.exit(EXIT_OPERATIONAL)
  }
}
