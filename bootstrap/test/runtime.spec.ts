import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { BOOTSTRAP_SEMI_SPACE_MIB, restartArgs } from '../src/index.ts'
import { RESTARTED_ENV } from '../src/runtime.ts'
import { start, stop } from './fixtures/binary.ts'
import type { Running } from './fixtures/binary.ts'

const FLAG = `--max-semi-space-size=${BOOTSTRAP_SEMI_SPACE_MIB}`

/** A process's command line, from /proc */
async function commandLine (pid: number | undefined): Promise<string[]> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(arg => arg !== '')
}

describe('the bin\'s V8 settings', function () {
  this.timeout(60_000)

  describe('restartArgs', () => {
    const argv = ['/usr/bin/node', '/opt/hypha/bin.js', '--json', '--data', '/var/hypha']

    it('restarts with the young generation\'s size before node\'s own flags and the script with its arguments', () => {
      expect(restartArgs(['--enable-source-maps'], argv, {})).to.deep.equal([FLAG, '--enable-source-maps', '/opt/hypha/bin.js', '--json', '--data', '/var/hypha'])
    })

    it('keeps a size the operator gave, on node\'s command line or in NODE_OPTIONS, in either spelling', () => {
      expect(restartArgs(['--max-semi-space-size=32'], argv, {})).to.equal(undefined)
      expect(restartArgs(['--max_semi_space_size=2'], argv, {})).to.equal(undefined)
      expect(restartArgs([], argv, { NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=16' })).to.equal(undefined)
      // a flag that only starts the same way is not one
      expect(restartArgs(['--max-semi-space-size-other=1'], argv, {})).to.have.length.above(0)
    })

    it('never restarts a restarted process', () => {
      expect(restartArgs([], argv, { [RESTARTED_ENV]: '1' })).to.equal(undefined)
    })
  })

  describe('hypha-bootstrap', () => {
    let dir: string
    let node: Running | undefined

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'hypha-bootstrap-runtime-'))
    })

    afterEach(async () => {
      await stop(node, 'SIGKILL')
      node = undefined
      await rm(dir, { recursive: true, force: true })
    })

    const args = (): string[] => ['--json', '--allow-loopback', '--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0']

    it('runs as the same process with the young generation\'s size, and stops on SIGTERM', async function () {
      if (process.platform !== 'linux' || typeof process.execve !== 'function') { this.skip() }
      node = await start(args())
      expect(node.ready.multiaddrs).to.have.length.above(0)
      const cmdline = await commandLine(node.child.pid)
      expect(cmdline).to.include(FLAG)
      expect(cmdline.filter(arg => arg.startsWith('--max-semi-space-size'))).to.have.lengthOf(1)
      expect(cmdline.slice(-args().length)).to.deep.equal(args())
      const exit = await stop(node, 'SIGTERM')
      node = undefined
      expect(exit?.code).to.equal(0)
    })

    it('runs with the operator\'s size as given, without a restart', async function () {
      if (process.platform !== 'linux') { this.skip() }
      node = await start(args(), { env: { NODE_OPTIONS: '--max-semi-space-size=16' } })
      const cmdline = await commandLine(node.child.pid)
      expect(cmdline).to.not.include(FLAG)
      expect(cmdline.some(arg => arg.startsWith('--max-semi-space-size'))).to.equal(false)
      const environ = await readFile(`/proc/${node.child.pid}/environ`, 'utf8')
      expect(environ.split('\0')).to.include('NODE_OPTIONS=--max-semi-space-size=16')
      expect(environ).to.not.include(RESTARTED_ENV)
    })
  })
})
