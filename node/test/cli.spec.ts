import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { encryptKeystoreJson, Wallet } from 'ethers'
import { DEFAULT_SEND_TIMEOUT, parseCommandLine, UsageError } from '../src/index.ts'
import { jsonLines, run } from './fixtures/cli.ts'

const DID_KEY = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
const BOOT = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWGqTVDjgBLCkzWprKfPAaBM7F1xPXmGCCoua9PZKJxLa6'

describe('hypha command line: parsing', () => {
  const env = { HYPHA_HOME: '/tmp/hypha-test-home' }

  it('parses global options anywhere and a command with its arguments', () => {
    const line = parseCommandLine(['--json', 'send', 'bob', 'hello there', '--bootstrap', BOOT, '--timeout', '2.5'], env)
    expect(line.command).to.equal('send')
    expect(line.args).to.deep.equal(['bob', 'hello there'])
    expect(line.json).to.be.true()
    expect(line.bootstrap).to.deep.equal([BOOT])
    expect(line.timeout).to.equal(2.5)
    expect(line.home).to.equal('/tmp/hypha-test-home')
  })

  it('reads HYPHA_BOOTSTRAP and HYPHA_ALLOW_LOOPBACK; flags win over the environment', () => {
    const fromEnv = parseCommandLine(['listen'], { ...env, HYPHA_BOOTSTRAP: `${BOOT}, /ip4/127.0.0.1/tcp/2`, HYPHA_ALLOW_LOOPBACK: '1' })
    expect(fromEnv.bootstrap).to.deep.equal([BOOT, '/ip4/127.0.0.1/tcp/2'])
    expect(fromEnv.allowLoopback).to.be.true()
    const fromFlag = parseCommandLine(['listen', '--bootstrap', '/ip4/127.0.0.1/tcp/3'], { ...env, HYPHA_BOOTSTRAP: BOOT })
    expect(fromFlag.bootstrap).to.deep.equal(['/ip4/127.0.0.1/tcp/3'])
    expect(fromFlag.allowLoopback).to.be.false()
    expect(fromFlag.timeout).to.equal(DEFAULT_SEND_TIMEOUT)
  })

  it('takes --timeout 0 (do not wait for the receipt), and sync with no arguments', () => {
    expect(parseCommandLine(['send', 'bob', '-', '--timeout', '0', '--bootstrap', BOOT], env).timeout).to.equal(0)
    expect(parseCommandLine(['sync', '--bootstrap', BOOT], env).command).to.equal('sync')
    expect(() => parseCommandLine(['sync'], env)).to.throw(/sync: no bootstrap node/)
    expect(() => parseCommandLine(['sync', 'extra', '--bootstrap', BOOT], env)).to.throw(/sync: unexpected argument/)
  })

  it('parses two-word commands', () => {
    expect(parseCommandLine(['contact', 'add', DID_KEY, '--name', 'bob', '--bootstrap', BOOT], env)).to.include({ command: 'contact add', name: 'bob' })
    expect(parseCommandLine(['contact', 'list'], env).command).to.equal('contact list')
    expect(parseCommandLine(['backup', 'export', 'f.bak'], env).args).to.deep.equal(['f.bak'])
  })

  it('--help needs no command', () => {
    expect(parseCommandLine(['--help'], env).command).to.be.undefined()
  })

  const bad: Array<[string, string[], RegExp]> = [
    ['no command', [], /missing command/],
    ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['an unknown flag', ['whoami', '--frob'], /Unknown option '--frob'/],
    ['a flag of another command', ['whoami', '--timeout', '3'], /whoami: unknown option --timeout/],
    ['a missing argument', ['send', 'bob', '--bootstrap', BOOT], /send: missing <text>/],
    ['an extra argument', ['send', 'bob', 'hello', 'there', '--bootstrap', BOOT], /unexpected argument "there"/],
    ['a missing subcommand', ['contact'], /contact: expected one of add, list/],
    ['a bad user id', ['contact', 'add', 'did:key:nope', '--bootstrap', BOOT], /invalid user id/],
    ['a bad timeout', ['send', 'bob', 'hi', '--timeout=-1', '--bootstrap', BOOT], /--timeout must be/],
    ['a bad bootstrap address', ['listen', '--bootstrap', 'ip4/1.2.3.4'], /multiaddr starts with/],
    ['a network command without bootstrap nodes', ['listen'], /no bootstrap node/]
  ]
  for (const [what, argv, message] of bad) {
    it(`refuses ${what}`, () => {
      expect(() => parseCommandLine(argv, env)).to.throw(UsageError, message)
    })
  }
})

describe('hypha command line: exit codes and local commands', function () {
  this.timeout(60_000)
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hypha-cli-'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('exits 1 with one line on stderr for a usage error', async () => {
    const result = await run(['--home', join(dir, 'h'), 'frobnicate'])
    expect(result.code).to.equal(1)
    expect(result.stdout).to.equal('')
    expect(result.stderr).to.equal('hypha: unknown command "frobnicate" (see hypha --help)\n')
  })

  it('prints the usage with --help and exits 0', async () => {
    const result = await run(['--help'])
    expect(result.code).to.equal(0)
    expect(result.stdout).to.match(/^Usage: hypha/)
  })

  it('exits 2 for whoami before init, and creates nothing', async () => {
    const home = join(dir, 'h')
    const result = await run(['--home', home, 'whoami'])
    expect(result.code).to.equal(2)
    expect(result.stderr).to.match(/^hypha: NoIdentityError: .*\n$/)
    await expect(stat(home)).to.eventually.be.rejected()
  })

  it('init, then whoami; a second init is refused with 2; the contact list is empty', async () => {
    const home = join(dir, 'h')
    const init = await run(['--home', home, '--json', 'init', '--name', 'Alice'])
    expect(init.code, init.stderr).to.equal(0)
    const [identity] = jsonLines(init.stdout)
    expect(identity.type).to.equal('identity')
    expect(identity.userId).to.match(/^did:key:z6Mk/)

    const whoami = await run(['--json', 'whoami'], { env: { HYPHA_HOME: home } })
    expect(whoami.code, whoami.stderr).to.equal(0)
    expect(jsonLines(whoami.stdout)).to.deep.equal([{ type: 'identity', userId: identity.userId, name: 'Alice' }])

    const human = await run(['--home', home, 'whoami'])
    expect(human.stdout).to.equal(`${identity.userId} (Alice)\n`)

    const again = await run(['--home', home, 'init'])
    expect(again.code).to.equal(2)
    expect(again.stderr).to.match(/^hypha: IdentityExistsError: /)

    const contacts = await run(['--home', home, '--json', 'contact', 'list'])
    expect(contacts.code, contacts.stderr).to.equal(0)
    expect(contacts.stdout).to.equal('')

    const history = await run(['--home', home, 'history', 'bob'])
    expect(history.code).to.equal(2)
    expect(history.stderr).to.match(/^hypha: ContactNotFoundError: /)
  })

  it('exits 2 when no bootstrap node answers', async () => {
    const home = join(dir, 'h')
    await run(['--home', home, 'init'])
    // nothing listens on the discard port
    const result = await run(['--home', home, '--allow-loopback', '--bootstrap', BOOT.replace('/tcp/4001/', '/tcp/9/'), 'contact', 'add', DID_KEY])
    expect(result.code).to.equal(2)
    expect(result.stderr).to.match(/^hypha: BootstrapError: could not reach any bootstrap node .*ECONNREFUSED.*\n$/)
  })

  it('exports a backup and imports it into another home; refuses to overwrite', async () => {
    const home = join(dir, 'a')
    const file = join(dir, 'a.backup')
    const env = { HYPHA_BACKUP_PASSPHRASE: 'correct horse battery staple' }
    const init = await run(['--home', home, '--json', 'init', '--name', 'Alice'])
    const { userId } = jsonLines(init.stdout)[0]

    const exported = await run(['--home', home, '--json', 'backup', 'export', file], { env })
    expect(exported.code, exported.stderr).to.equal(0)
    expect(jsonLines(exported.stdout)[0]).to.include({ type: 'backup', userId })
    expect((await stat(file)).mode & 0o777).to.equal(0o600)
    const bytes = await readFile(file)
    expect(bytes.includes(Buffer.from('Alice'))).to.be.false()

    const again = await run(['--home', home, 'backup', 'export', file], { env })
    expect(again.code).to.equal(2)
    expect(again.stderr).to.match(/^hypha: EEXIST: /)

    const wrong = await run(['--home', join(dir, 'c'), 'backup', 'import', file], { env: { HYPHA_BACKUP_PASSPHRASE: 'wrong' } })
    expect(wrong.code).to.equal(2)
    expect(wrong.stderr).to.match(/^hypha: WrongPassphraseError: /)

    // the passphrase on stdin this time
    const imported = await run(['--home', join(dir, 'b'), '--json', 'backup', 'import', file], { input: 'correct horse battery staple\n' })
    expect(imported.code, imported.stderr).to.equal(0)
    expect(jsonLines(imported.stdout)).to.deep.equal([{ type: 'identity', userId, name: 'Alice' }])
    const whoami = await run(['--home', join(dir, 'b'), '--json', 'whoami'])
    expect(jsonLines(whoami.stdout)[0].userId).to.equal(userId)

    const over = await run(['--home', home, 'backup', 'import', file], { env })
    expect(over.code).to.equal(2)
    expect(over.stderr).to.match(/^hypha: IdentityExistsError: /)

    const noPassphrase = await run(['--home', join(dir, 'd'), 'backup', 'import', file])
    expect(noPassphrase.code).to.equal(1)
    expect(noPassphrase.stderr).to.match(/no backup passphrase/)
  })

  it('init --wallet-keystore makes a did:pkh identity from an encrypted keystore', async () => {
    const wallet = Wallet.createRandom()
    const password = 'keystore password'
    // a low scrypt cost keeps the test fast
    const keystore = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, password, { scrypt: { N: 1024 } })
    const file = join(dir, 'keystore.json')
    await writeFile(file, keystore)

    const wrong = await run(['--home', join(dir, 'w'), 'init', '--wallet-keystore', file], { env: { HYPHA_WALLET_PASSWORD: 'nope' } })
    expect(wrong.code).to.equal(2)
    expect(wrong.stderr).to.equal('hypha: TypeError: incorrect password\n')
    expect(wrong.stderr.includes(wallet.privateKey.slice(2))).to.be.false()

    const result = await run(['--home', join(dir, 'h'), '--json', 'init', '--wallet-keystore', file, '--name', 'Wally'], { env: { HYPHA_WALLET_PASSWORD: password } })
    expect(result.code, result.stderr).to.equal(0)
    expect(jsonLines(result.stdout)).to.deep.equal([{ type: 'identity', userId: `did:pkh:eip155:1:${wallet.address}`, name: 'Wally' }])
  })
})
