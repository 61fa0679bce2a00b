/**
 * Runs the end-to-end suite (test/e2e/*.e2e.ts, mocha through aegir) in a
 * loopback-only network namespace (STACK.md "Browsers"): Chromium there can
 * only see 127.0.0.1, so WebRTC between two tabs must use loopback
 * candidates, as it does on a machine without a network, and nothing the
 * suite starts can reach or be reached from outside.
 *
 * When root and `ip netns` works: creates a uniquely named namespace, brings
 * `lo` up, runs the suite with `ip netns exec <ns> ...`, then, whatever
 * happened (failure, SIGINT, SIGTERM), kills what is left inside the
 * namespace (`ip netns pids`) and deletes it. Otherwise (not root, no
 * iproute2, `HYPHA_E2E_NETNS=0`) it runs the suite directly and says so.
 *
 * The suite's temporary files (browser profiles, the node's data, playwright's
 * artifacts) all go under one folder made for the run (TMPDIR), removed at
 * the end, so an interrupted run leaves nothing behind either.
 *
 * Usage: node test/e2e/run.ts [mocha options, e.g. --grep wallet]
 * Exit code: the suite's; 1 when a prerequisite is missing.
 */

import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BROWSER_PACKAGE, missingPrerequisites } from './fixtures/paths.ts'
import type { ChildProcess } from 'node:child_process'

/** How long the suite may take to stop after a signal is passed on, before it is killed */
const STOP_GRACE = 10_000

const log = (line: string): void => { process.stderr.write(`e2e: ${line}\n`) }

function ip (...args: string[]): { ok: boolean, output: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8' })
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`.trim() }
}

/** Create and bring up a namespace; undefined (with the reason logged) when this machine cannot */
function createNamespace (): string | undefined {
  if (process.env.HYPHA_E2E_NETNS === '0') {
    log('HYPHA_E2E_NETNS=0: running on the host network, not in a network namespace')
    return undefined
  }
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    log('not root on Linux: cannot create a network namespace, running on the host network')
    return undefined
  }
  const name = `hypha-e2e-${process.pid}-${randomBytes(4).toString('hex')}`
  const added = ip('netns', 'add', name)
  if (!added.ok) {
    log(`ip netns add failed (${added.output}): running on the host network`)
    return undefined
  }
  const up = ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up')
  if (!up.ok) {
    ip('netns', 'del', name)
    throw new Error(`cannot bring lo up in network namespace ${name}: ${up.output}`)
  }
  return name
}

let namespace: string | undefined
let cleaned = false
let runDir: string | undefined

/** Kill what is left in the namespace (only processes this run started live there), then delete it */
function deleteNamespace (): void {
  if (namespace == null || cleaned) { return }
  cleaned = true
  const pids = ip('netns', 'pids', namespace).output.split(/\s+/).filter(pid => /^[0-9]+$/.test(pid))
  if (pids.length > 0) {
    log(`killing ${pids.length} process(es) left in ${namespace}: ${pids.join(' ')}`)
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL')
      } catch {
        // gone already
      }
    }
  }
  const deleted = ip('netns', 'del', namespace)
  if (!deleted.ok) {
    log(`could not delete network namespace ${namespace}: ${deleted.output}`)
  }
}

/** Remove the run's temporary folder */
function removeRunDir (): void {
  if (runDir == null) { return }
  rmSync(runDir, { recursive: true, force: true, maxRetries: 3 })
  runDir = undefined
}

function cleanUp (): void {
  deleteNamespace()
  removeRunDir()
}

async function main (): Promise<number> {
  const missing = missingPrerequisites()
  if (missing.length > 0) {
    for (const line of missing) { log(line) }
    return 1
  }

  const aegir = fileURLToPath(import.meta.resolve('aegir'))
  const suite = [
    // every test runs and reports, one failure does not hide the others
    process.execPath, aegir, 'test', '-t', 'node', '--bail', 'false', '-f', 'test/e2e/**/*.e2e.ts',
    // --exit: a failing test that leaves a handle open cannot hang CI (the namespace is emptied anyway)
    '--', '--exit', ...process.argv.slice(2)
  ]

  runDir = mkdtempSync(join(tmpdir(), 'hypha-e2e-run-'))
  namespace = createNamespace()
  const command = namespace == null ? suite : ['ip', 'netns', 'exec', namespace, ...suite]
  if (namespace != null) {
    log(`running in network namespace ${namespace} (loopback only)`)
  }

  // its own process group, so that a signal reaches the suite and everything it started
  const child: ChildProcess = spawn(command[0], command.slice(1), {
    cwd: BROWSER_PACKAGE,
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, TMPDIR: runDir, HYPHA_E2E_NAMESPACE: namespace ?? '' }
  })

  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid ?? 0), signal)
    } catch {
      // the group is empty: everything exited
    }
  }

  let signalled: NodeJS.Signals | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled != null) { return }
    signalled = signal
    log(`${signal}: stopping the suite`)
    killGroup(signal)
    setTimeout(() => { killGroup('SIGKILL') }, STOP_GRACE).unref()
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, onSignal)
  }

  const code = await new Promise<number>(resolve => {
    child.once('error', err => {
      log(`cannot run the suite: ${err.message}`)
      resolve(1)
    })
    child.once('exit', exitCode => { resolve(exitCode ?? 1) })
  })
  // anything the suite left behind in its group (a browser, a node) goes too
  killGroup('SIGKILL')
  if (signalled != null) {
    return signalled === 'SIGINT' ? 130 : 143
  }
  return code
}

// last resort: also on an exception in main or a process.exit elsewhere
process.on('exit', cleanUp)

let exitCode = 1
try {
  exitCode = await main()
} catch (err: any) {
  log(err.message)
} finally {
  cleanUp()
}
process.exit(exitCode)
