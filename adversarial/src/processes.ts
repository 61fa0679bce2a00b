/**
 * The shipped binaries (`hypha-bootstrap`, `hypha`) as child processes on
 * 127.0.0.1, for the parts of the suite that kill, restart or weigh a node:
 * JSON lines on stdout, RSS from /proc, SIGKILL and restart on the same data.
 */

import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'

const binOf = (pkg: string): string => join(dirname(fileURLToPath(import.meta.resolve(pkg))), 'bin.js')

/** The built `hypha-bootstrap` */
export const BOOTSTRAP_BIN = binOf('@hypha/bootstrap')

/** The built `hypha` */
export const HYPHA_BIN = binOf('@hypha/node')

export type Line = Record<string, any>

/** The environment minus HYPHA_* (a developer's settings must not leak in), plus `extra` */
export function cleanEnv (extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value != null && !key.startsWith('HYPHA_')) { env[key] = value }
  }
  return { ...env, ...extra }
}

/** A child process whose stdout is read as JSON lines */
export class Proc {
  readonly child: ChildProcessWithoutNullStreams
  readonly lines: Line[] = []
  readonly errLines: string[] = []
  readonly exited: Promise<number | null>
  private readonly waiters = new Set<() => void>()

  /** With `options.stdin`, stdin stays open for `send` (a child that takes commands); else it is closed at once */
  constructor (bin: string, args: string[], env: Record<string, string> = {}, options: { stdin?: boolean } = {}) {
    this.child = spawn(process.execPath, [bin, ...args], { env: cleanEnv(env) })
    if (options.stdin !== true) { this.child.stdin.end() }
    // a write racing a SIGKILL fails with EPIPE: that must not throw in the parent
    this.child.stdin.on('error', () => {})
    let out = ''
    let err = ''
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out = this.split(out + chunk, line => {
        try {
          this.lines.push(JSON.parse(line))
        } catch {
          this.lines.push({ type: 'unparsable', raw: line })
        }
      })
    })
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err = this.split(err + chunk, line => { this.errLines.push(line) })
    })
    this.exited = new Promise(resolve => {
      this.child.on('close', code => {
        this.notify()
        resolve(code)
      })
    })
  }

  private split (buffer: string, push: (line: string) => void): string {
    let newline: number
    while ((newline = buffer.indexOf('\n')) >= 0) {
      push(buffer.slice(0, newline))
      buffer = buffer.slice(newline + 1)
    }
    this.notify()
    return buffer
  }

  private notify (): void {
    for (const waiter of [...this.waiters]) { waiter() }
  }

  get running (): boolean {
    return this.child.exitCode == null && this.child.signalCode == null
  }

  /** Resolves with the first `count` stdout lines that match; rejects after `ms` or when the process ends first */
  async waitFor (match: (line: Line) => boolean, count = 1, ms = 30_000): Promise<Line[]> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer)
        this.waiters.delete(waiter)
      }
      const waiter = (): void => {
        const found = this.lines.filter(match)
        if (found.length >= count) {
          done()
          resolve(found.slice(0, count))
        } else if (!this.running) {
          done()
          reject(new Error(`process exited (${this.child.exitCode ?? this.child.signalCode}) first; stderr: ${this.errLines.slice(-5).join(' | ')}`))
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`no matching line within ${ms} ms; stderr: ${this.errLines.slice(-5).join(' | ')}`))
      }, ms)
      this.waiters.add(waiter)
      waiter()
    })
  }

  /** Writes one JSON line to the child's stdin (see `options.stdin`); false once the process is gone */
  send (command: Line): boolean {
    if (!this.running || this.child.stdin.destroyed || !this.child.stdin.writable) { return false }
    this.child.stdin.write(JSON.stringify(command) + '\n')
    return true
  }

  /** Resident set size in MiB (Linux /proc), undefined once the process is gone */
  rssMiB (): number | undefined {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8')
      const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
      return kib == null ? undefined : Number(kib) / 1024
    } catch {
      return undefined
    }
  }

  /** SIGKILL: no shutdown code runs */
  async kill (): Promise<void> {
    if (this.running) { this.child.kill('SIGKILL') }
    await this.exited
  }

  /** SIGTERM (graceful), SIGKILL after `ms` */
  async stop (ms = 10_000): Promise<number | null> {
    if (this.running) {
      this.child.kill('SIGTERM')
      const timer = setTimeout(() => { this.child.kill('SIGKILL') }, ms)
      const code = await this.exited
      clearTimeout(timer)
      return code
    }
    return this.exited
  }
}

export interface BootstrapProc {
  proc: Proc
  peerId: string
  /** The TCP multiaddr with /p2p/ */
  addr: string
}

/**
 * Starts `hypha-bootstrap --json` with `args` (add `--data`, `--listen`,
 * `--mailbox-*` as needed) and waits for its ready line
 */
export async function startBootstrap (args: string[], ms = 30_000): Promise<BootstrapProc> {
  const proc = new Proc(BOOTSTRAP_BIN, ['--json', ...args])
  const [ready] = await proc.waitFor(line => line.event === 'ready', 1, ms)
  const addr = (ready.multiaddrs as string[]).find(ma => ma.includes('/tcp/') && !ma.includes('/ws'))
  if (addr == null) { throw new Error('the bootstrap node has no TCP address') }
  return { proc, peerId: ready.peerId, addr }
}

/** A temporary directory, and its removal */
export async function tempDir (prefix: string): Promise<{ path: string, remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `hypha-adversarial-${prefix}-`))
  return { path, remove: async () => { await rm(path, { recursive: true, force: true }) } }
}

/** A free TCP port on 127.0.0.1 (for a node that must come back on the same address) */
export async function freePort (): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => { resolve(typeof address === 'object' && address != null ? address.port : 0) })
    })
  })
}
