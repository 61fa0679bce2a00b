/**
 * The `hypha` command line: a Hypha peer in a terminal or a script.
 *
 * Every command opens the home's database; the network commands (`contact
 * add`, `send`, `sync`, `listen`, and the group and channel commands that
 * change or post something) also start a libp2p peer, dial the bootstrap
 * nodes and stop it again. Exit codes: 0 ok, 1 usage error, 2 operational
 * error, each error as one line on stderr. Keys and message texts never go
 * to stderr; message texts go to stdout only as the output of `listen`,
 * `sync` and the `history` commands.
 */

import { existsSync } from 'node:fs'
import { readFile, writeFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { parseArgs } from 'node:util'
import {
  ContactNotFoundError, GroupPermissionError, Messenger, MessengerStore, constants, createIdentity, createWalletIdentity, exportBackup, importBackup, inboxTopic, libp2pMailboxes,
  parseUserId, rendezvousPresence, saveIdentity
} from '@hypha/core'
import { parseBootstrapList } from './bootstrap-list.ts'
import { BootstrapError, IdentityExistsError, UsageError } from './errors.ts'
import { resolveHome } from './home.ts'
import { loadPeerKey } from './peer-key.ts'
import { DB_DIRNAME, openDatabase } from './storage.ts'
import type { PeerNode } from './libp2p.ts'
import type { Database } from './storage.ts'
import type {
  ChannelInfo, Contact, GroupInfo, GroupMessage, GroupRejection, GroupSendResult, LocalIdentity, MessengerMesh, ReceivedMessage, SendResult, StoredMessage
} from '@hypha/core'

export const USAGE = `Usage: hypha [options] <command>

Commands:
  init [--name <name>] [--wallet-keystore <file>]
                               create this device's identity (a key pair, or an
                               Ethereum wallet from an encrypted JSON keystore;
                               password from HYPHA_WALLET_PASSWORD or stdin)
  whoami                       print the user id and name
  contact add <user-id> [--name <alias>]
                               look a user up on the mesh and keep it as a contact
  contact list                 print the contacts
  send <user-id|alias> <text> [--timeout <seconds>]
                               send a message (live, and stored at the
                               recipient's mailboxes) and wait up to --timeout
                               (default 15, 0: do not wait) for its delivery
                               receipt; text "-" sends each line of stdin
  sync                         go online, fetch what the mailboxes hold for this
                               device, print the new messages, exit
  listen [--watch <user-id>] [--envelopes]
                               fetch from the mailboxes, then stay online and
                               print incoming messages, group messages, channel
                               posts and membership changes until SIGINT/SIGTERM;
                               --watch also joins that user's inbox bucket,
                               --watch and --envelopes print every envelope seen
                               (own inbox, watched buckets, group and channel topics)
  history <user-id|alias>      print the conversation with a contact
  group create <name> [--member <user-id|alias>]...
                               create a group (you are its admin) and invite members
  group invite <group> <user-id|alias>...
                               add members (admins only)
  group remove <group> <user-id|alias>
                               remove a member (admins only); every sender key rotates
  group leave <group>          leave a group
  group send <group> <text>    send to every member (live, and stored at the
                               group's mailboxes); text "-" sends each line of stdin
  group list                   print the groups, their member counts and your role
  group members <group>        print the members of a group
  group history <group>        print the messages of a group
  channel create <name>        create a channel (you post, readers read); prints
                               its invite link, which holds the channel key
  channel join <invite-link>   join a channel as a reader
  channel post <channel> <text>
                               post to a channel you own; text "-" posts each line of stdin
  channel list                 print the channels and your role
  channel history <channel>    print the posts of a channel
  (<group> and <channel>: the id or the name)
  backup export <file>         write an encrypted backup of the identity
  backup import <file>         restore an identity from a backup (passphrase from
                               HYPHA_BACKUP_PASSPHRASE or stdin)

Options:
  --home <dir>                 where keys and messages live [HYPHA_HOME] (~/.hypha)
  --bootstrap <multiaddr>      bootstrap node, repeatable [HYPHA_BOOTSTRAP, comma-separated]
  --json                       one JSON object per line on stdout
  --allow-loopback             allow 127.0.0.1 peers (local mesh, tests) [HYPHA_ALLOW_LOOPBACK=1]
  -h, --help                   show this help

Exit codes: 0 ok, 1 usage error, 2 operational error.`

/** How long `send` waits for the delivery receipt by default, in seconds */
export const DEFAULT_SEND_TIMEOUT = 15

/** Longest `--timeout` accepted, in seconds */
export const MAX_SEND_TIMEOUT = 3600

/** How long a network command waits for a DHT server among the bootstrap peers */
export const DHT_READY_TIMEOUT = 10_000

/** How long a network command waits for a gossipsub mesh peer on its inbox topic */
export const TOPIC_READY_TIMEOUT = 5_000

/** How long a network command waits to identify the mailbox nodes among the bootstrap peers */
export const MAILBOX_READY_TIMEOUT = 5_000

/** Longest line `send <to> -` reads from stdin, in bytes */
export const MAX_STDIN_LINE_BYTES = constants.MAX_PLAINTEXT_BYTES

/** Largest wallet keystore or backup file read */
export const MAX_INPUT_FILE_BYTES = 1024 * 1024

/** The SIWE fields a wallet signs for a CLI device (they pass core's domain and URI checks) */
export const CLI_SIWE = { domain: 'hypha.cli', uri: 'hypha://cli' }

export const WALLET_PASSWORD_ENV = 'HYPHA_WALLET_PASSWORD'
export const BACKUP_PASSPHRASE_ENV = 'HYPHA_BACKUP_PASSPHRASE'

const OPTIONS = {
  home: { type: 'string' },
  bootstrap: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  'allow-loopback': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  name: { type: 'string' },
  'wallet-keystore': { type: 'string' },
  timeout: { type: 'string' },
  watch: { type: 'string', multiple: true },
  envelopes: { type: 'boolean' },
  member: { type: 'string', multiple: true }
} as const

const GLOBAL_OPTIONS = ['home', 'bootstrap', 'json', 'allow-loopback', 'help']

export type CommandName =
  'init' | 'whoami' | 'contact add' | 'contact list' | 'send' | 'sync' | 'listen' | 'history' | 'backup export' | 'backup import' |
  'group create' | 'group invite' | 'group remove' | 'group leave' | 'group send' | 'group list' | 'group members' | 'group history' |
  'channel create' | 'channel join' | 'channel post' | 'channel list' | 'channel history'

/**
 * Per command: its positional arguments, the options it takes besides the
 * global ones, and whether its last argument repeats (one or more)
 */
const COMMANDS: Record<CommandName, { args: string[], options: string[], repeats?: boolean }> = {
  init: { args: [], options: ['name', 'wallet-keystore'] },
  whoami: { args: [], options: [] },
  'contact add': { args: ['user-id'], options: ['name'] },
  'contact list': { args: [], options: [] },
  send: { args: ['user-id|alias', 'text'], options: ['timeout'] },
  sync: { args: [], options: [] },
  listen: { args: [], options: ['watch', 'envelopes'] },
  history: { args: ['user-id|alias'], options: [] },
  'backup export': { args: ['file'], options: [] },
  'backup import': { args: ['file'], options: [] },
  'group create': { args: ['name'], options: ['member'] },
  'group invite': { args: ['group', 'user-id|alias'], options: [], repeats: true },
  'group remove': { args: ['group', 'user-id|alias'], options: [] },
  'group leave': { args: ['group'], options: [] },
  'group send': { args: ['group', 'text'], options: [] },
  'group list': { args: [], options: [] },
  'group members': { args: ['group'], options: [] },
  'group history': { args: ['group'], options: [] },
  'channel create': { args: ['name'], options: [] },
  'channel join': { args: ['invite-link'], options: [] },
  'channel post': { args: ['channel', 'text'], options: [] },
  'channel list': { args: [], options: [] },
  'channel history': { args: ['channel'], options: [] }
}

/** The commands that start a peer and need a bootstrap node */
const NETWORK_COMMANDS: ReadonlySet<CommandName> = new Set<CommandName>([
  'contact add', 'send', 'sync', 'listen',
  'group create', 'group invite', 'group remove', 'group leave', 'group send',
  'channel create', 'channel join', 'channel post'
])

/** The commands whose last argument is a message text */
const TEXT_COMMANDS: ReadonlySet<CommandName> = new Set<CommandName>(['send', 'group send', 'channel post'])

export interface CommandLine {
  /** undefined with --help */
  command?: CommandName
  args: string[]
  home: string
  bootstrap: string[]
  json: boolean
  allowLoopback: boolean
  name?: string
  walletKeystore?: string
  /** seconds */
  timeout: number
  watch: string[]
  /** `listen`: print every envelope seen */
  envelopes: boolean
  /** `group create`: the members to invite, by user id or alias */
  members: string[]
}

/**
 * Parses the arguments and the environment of a `hypha` run.
 *
 * @throws {UsageError} for an unknown command or option, an option the
 * command does not take, a missing or extra argument, a bad value
 */
export function parseCommandLine (argv: string[], env: Record<string, string | undefined>): CommandLine {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true })
  } catch (err: any) {
    // node's messages run on with advice about '--'; the first sentence is the line
    throw new UsageError(String(err.message).split(/\.\s/)[0].replace(/\.$/, ''))
  }
  const { values, positionals, tokens } = parsed
  const line: CommandLine = {
    args: [],
    ...globalOptions(values, env),
    timeout: DEFAULT_SEND_TIMEOUT,
    watch: [],
    envelopes: false,
    members: []
  }
  if (values.help === true) {
    return line
  }

  const { command, args } = commandOf(positionals)
  const spec = COMMANDS[command]
  for (const token of tokens) {
    if (token.kind === 'option' && !GLOBAL_OPTIONS.includes(token.name) && !spec.options.includes(token.name)) {
      throw new UsageError(`${command}: unknown option ${token.rawName}`)
    }
  }
  if (args.length < spec.args.length) {
    throw new UsageError(`${command}: missing <${spec.args[args.length]}>`)
  }
  if (args.length > spec.args.length && spec.repeats !== true) {
    throw new UsageError(`${command}: unexpected argument ${JSON.stringify(args[spec.args.length])}${TEXT_COMMANDS.has(command) ? ' (quote the text)' : ''}`)
  }

  line.command = command
  line.args = args
  line.name = values.name
  line.walletKeystore = values['wallet-keystore']
  line.watch = values.watch ?? []
  line.envelopes = values.envelopes === true
  line.members = values.member ?? []
  if (values.timeout != null) {
    line.timeout = parseTimeout(values.timeout)
  }
  checkCommand(line)
  return line
}

function globalOptions (values: { home?: string, bootstrap?: string[], json?: boolean, 'allow-loopback'?: boolean }, env: Record<string, string | undefined>): Pick<CommandLine, 'home' | 'bootstrap' | 'json' | 'allowLoopback'> {
  try {
    return {
      home: resolveHome({ home: values.home, env }),
      bootstrap: values.bootstrap != null
        ? values.bootstrap.flatMap(value => parseBootstrapList(value))
        : parseBootstrapList(env.HYPHA_BOOTSTRAP),
      json: values.json === true,
      allowLoopback: values['allow-loopback'] === true || isTrue(env.HYPHA_ALLOW_LOOPBACK)
    }
  } catch (err: any) {
    throw new UsageError(err.message)
  }
}

/** The command named by the first one or two positionals, and its arguments */
function commandOf (positionals: string[]): { command: CommandName, args: string[] } {
  const [first, second] = positionals
  if (first == null) {
    throw new UsageError('missing command (see hypha --help)')
  }
  // two-word commands: `contact add`, `group send`...
  const sub = Object.keys(COMMANDS).filter(name => name.startsWith(`${first} `)).map(name => name.slice(first.length + 1))
  if (sub.length > 0) {
    if (second == null || !sub.includes(second)) {
      throw new UsageError(`${first}: expected one of ${sub.join(', ')}${second == null ? '' : `, got ${JSON.stringify(second)}`}`)
    }
    return { command: `${first} ${second}` as CommandName, args: positionals.slice(2) }
  }
  if (!Object.hasOwn(COMMANDS, first)) {
    throw new UsageError(`unknown command ${JSON.stringify(first)} (see hypha --help)`)
  }
  return { command: first as CommandName, args: positionals.slice(1) }
}

function parseTimeout (value: string): number {
  const seconds = Number(value)
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_SEND_TIMEOUT) {
    throw new UsageError(`--timeout must be a number of seconds in [0, ${MAX_SEND_TIMEOUT}], got ${JSON.stringify(value)}`)
  }
  return seconds
}

/** Checks of values that need the command: user ids, names, bootstrap nodes for the network commands */
function checkCommand (line: CommandLine): void {
  const command = line.command
  if (command == null) { return }
  for (const userId of command === 'contact add' ? [line.args[0], ...line.watch] : line.watch) {
    checkUserId(userId)
  }
  // members are user ids or aliases; what looks like a user id must be one
  for (const member of memberArgs(line)) {
    if (member === '') { throw new UsageError(`${command}: a member must not be empty`) }
    if (member.startsWith('did:')) { checkUserId(member) }
  }
  if (line.name === '' && command === 'contact add') {
    throw new UsageError('--name must not be empty')
  }
  if ((command === 'group create' || command === 'channel create') && line.args[0].trim() === '') {
    throw new UsageError(`${command}: <name> must not be empty`)
  }
  if (NETWORK_COMMANDS.has(command) && line.bootstrap.length === 0) {
    throw new UsageError(`${command}: no bootstrap node: give --bootstrap <multiaddr> or set HYPHA_BOOTSTRAP`)
  }
}

/** The user ids or aliases a group command names */
function memberArgs (line: CommandLine): string[] {
  switch (line.command) {
    case 'group create': return line.members
    case 'group invite':
    case 'group remove': return line.args.slice(1)
    default: return []
  }
}

function isTrue (value: string | undefined): boolean {
  return value === '1' || value?.toLowerCase() === 'true'
}

function checkUserId (userId: string): void {
  try {
    parseUserId(userId)
  } catch (err: any) {
    throw new UsageError(`invalid user id ${JSON.stringify(userId)}: ${err.message}`)
  }
}

/** Where a command's output and diagnostics go; tests may swap it */
export interface CliIo {
  stdout: { write(chunk: string): unknown }
  stderr: { write(chunk: string): unknown }
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  /** Resolves on the first SIGINT or SIGTERM */
  stopSignal(): Promise<void>
}

const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  stopSignal: async () => new Promise<void>(resolve => {
    const done = (): void => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      resolve()
    }
    process.on('SIGINT', done)
    process.on('SIGTERM', done)
  })
}

/**
 * Runs `hypha` with these arguments and environment; resolves with the exit
 * code (it does not exit).
 */
export async function runCli (argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = processIo): Promise<number> {
  let line: CommandLine
  try {
    line = parseCommandLine(argv, env)
  } catch (err: any) {
    io.stderr.write(`hypha: ${oneLine(err.message)}\n`)
    return 1
  }

  if (line.command == null) {
    io.stdout.write(USAGE + '\n')
    return 0
  }

  const cli = new Cli(line, env, io)
  try {
    return await cli.run(line.command)
  } catch (err: any) {
    io.stderr.write(`hypha: ${describeError(err)}\n`)
    return err instanceof UsageError ? 1 : 2
  }
}

/** `Name: message` on one line; no stack, no causes (they may quote inputs) */
export function describeError (err: any): string {
  let name = err?.name ?? 'Error'
  if (name === 'Error' && typeof err?.code === 'string') { name = err.code }
  const message = err?.shortMessage ?? err?.message ?? String(err)
  return `${name}: ${oneLine(String(message))}`
}

function oneLine (text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

/** Control characters from the network must not reach a terminal (escape sequences) */
function printable (text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\ufffd')
}

/** A mesh for the commands that stay offline: any use of it is a bug */
const OFFLINE: MessengerMesh = {
  dht: {
    put: () => { throw new Error('offline') },
    get: () => { throw new Error('offline') }
  },
  pubsub: {
    subscribe: () => { throw new Error('offline') },
    unsubscribe: () => {},
    publish: async () => { throw new Error('offline') },
    addEventListener: () => {},
    removeEventListener: () => {}
  }
}

interface Online {
  node: PeerNode
  messenger: Messenger
}

class Cli {
  private readonly line: CommandLine
  private readonly env: Record<string, string | undefined>
  private readonly io: CliIo

  constructor (line: CommandLine, env: Record<string, string | undefined>, io: CliIo) {
    this.line = line
    this.env = env
    this.io = io
  }

  async run (command: CommandName): Promise<number> {
    switch (command) {
      case 'init': return this.init()
      case 'whoami': return this.whoami()
      case 'contact add': return this.contactAdd()
      case 'contact list': return this.contactList()
      case 'send': return this.send()
      case 'sync': return this.sync()
      case 'listen': return this.listen()
      case 'history': return this.history()
      case 'backup export': return this.backupExport()
      case 'backup import': return this.backupImport()
      case 'group create': return this.groupCreate()
      case 'group invite': return this.groupInvite()
      case 'group remove': return this.groupRemove()
      case 'group leave': return this.groupLeave()
      case 'group send': return this.groupSend()
      case 'group list': return this.groupList()
      case 'group members': return this.groupMembers()
      case 'group history': return this.groupHistory()
      case 'channel create': return this.channelCreate()
      case 'channel join': return this.channelJoin()
      case 'channel post': return this.channelPost()
      case 'channel list': return this.channelList()
      case 'channel history': return this.channelHistory()
      default: throw new UsageError(`unknown command ${JSON.stringify(command)}`)
    }
  }

  /** One JSON object per line with --json, else the human line */
  private print (json: Record<string, unknown>, human: string): void {
    this.io.stdout.write((this.line.json ? JSON.stringify(json) : human) + '\n')
  }

  private warn (message: string): void {
    this.io.stderr.write(`hypha: warning: ${message}\n`)
  }

  private debug (message: string): void {
    if (isTrue(this.env.HYPHA_DEBUG)) { this.io.stderr.write(`hypha: +${Math.round(performance.now())}ms ${message}\n`) }
  }

  /** Only `init` and `backup import` create a home; the other commands need one */
  private async withDb<T> (fn: (db: Database, store: MessengerStore) => Promise<T>, create = false): Promise<T> {
    const db = await openDatabase(this.line.home, { create })
    try {
      return await fn(db, new MessengerStore(db))
    } finally {
      await db.close()
    }
  }

  private async offline<T> (fn: (messenger: Messenger) => Promise<T>): Promise<T> {
    return this.withDb(async db => fn(await Messenger.open({ db, mesh: OFFLINE })))
  }

  /** Opens the messenger, starts a peer, reaches the DHT through the bootstrap nodes; stops it all afterwards */
  private async online<T> (fn: (online: Online) => Promise<T>, prepare?: (messenger: Messenger) => Promise<void>): Promise<T> {
    return this.withDb(async db => {
      // libp2p is loaded only by the commands that go online
      const { bootstrapPeerIds, createPeerNode, dialBootstrap, waitForDht, waitForMailboxes } = await import('./libp2p.ts')
      const node = await createPeerNode({
        bootstrap: this.line.bootstrap,
        allowLoopback: this.line.allowLoopback,
        privateKey: await loadPeerKey(this.line.home)
      })
      let messenger: Messenger | undefined
      try {
        const points = bootstrapPeerIds(this.line.bootstrap)
        messenger = await Messenger.open({
          db,
          mesh: node.services,
          // register at the bootstrap nodes' rendezvous servers; contacts found there are dialed directly
          presence: rendezvousPresence(node, () => points),
          mailboxes: libp2pMailboxes(node, node.services.mailbox),
          log: message => { this.debug(message) }
        })
        // fail on a bad contact name before any network wait
        await prepare?.(messenger)
        const t0 = Date.now()
        const { connected, errors } = await dialBootstrap(node, this.line.bootstrap)
        this.debug(`dialed ${connected} bootstrap node(s) in ${Date.now() - t0} ms`)
        if (connected === 0) {
          throw new BootstrapError(`could not reach any bootstrap node (${describeError(errors[0])})`)
        }
        if (!await waitForDht(node, DHT_READY_TIMEOUT)) {
          throw new BootstrapError('no DHT server among the bootstrap nodes')
        }
        this.debug(`DHT ready after ${Date.now() - t0} ms`)
        // identify tells which bootstrap nodes keep mailboxes; wait for as many as a device uses
        const mailboxes = await waitForMailboxes(node, Math.min(connected, constants.MAILBOXES_PER_DEVICE), MAILBOX_READY_TIMEOUT)
        this.debug(`${mailboxes} mailbox node(s) after ${Date.now() - t0} ms`)
        return await fn({ node, messenger })
      } finally {
        const t1 = Date.now()
        await messenger?.stop()
        await node.stop()
        this.debug(`stopped in ${Date.now() - t1} ms`)
      }
    })
  }

  private async init (): Promise<number> {
    await this.refuseExistingIdentity()
    const identity = this.line.walletKeystore == null
      ? await createIdentity({ name: this.line.name })
      : await this.walletIdentity(this.line.walletKeystore)
    await this.storeNewIdentity(identity)
    this.print({ type: 'identity', userId: identity.userId, name: identity.name }, identity.userId)
    return 0
  }

  /** Fails early (before asking for a password) when the home has an identity */
  private async refuseExistingIdentity (): Promise<void> {
    if (!existsSync(join(this.line.home, DB_DIRNAME))) { return }
    await this.withDb(async (_, store) => {
      if (await store.loadIdentity() != null) {
        throw new IdentityExistsError(`${this.line.home} already has an identity`)
      }
    })
  }

  private async storeNewIdentity (identity: LocalIdentity): Promise<void> {
    await this.withDb(async (db, store) => {
      // checked again under the database lock: another process may have been quicker
      if (await store.loadIdentity() != null) {
        throw new IdentityExistsError(`${this.line.home} already has an identity`)
      }
      await saveIdentity(db, identity)
    }, true)
  }

  private async walletIdentity (file: string): Promise<LocalIdentity> {
    const json = new TextDecoder().decode(await readInputFile(file))
    const password = await this.readSecret(WALLET_PASSWORD_ENV, 'wallet password')
    // ethers is loaded only for wallet users
    const { Wallet } = await import('ethers')
    const wallet = await Wallet.fromEncryptedJson(json, password)
    return createWalletIdentity(wallet, CLI_SIWE, { name: this.line.name })
  }

  private async whoami (): Promise<number> {
    const identity = await this.offline(async messenger => messenger.identity)
    this.print({ type: 'identity', userId: identity.userId, name: identity.name },
      identity.name === '' ? identity.userId : `${identity.userId} (${printable(identity.name)})`)
    return 0
  }

  private printContact (contact: Contact): void {
    this.print(
      { type: 'contact', userId: contact.userId, alias: contact.alias, devices: contact.devices.length, addedAt: contact.addedAt },
      `${contact.alias == null ? '' : `${printable(contact.alias)}  `}${contact.userId}  (${contact.devices.length} device${contact.devices.length === 1 ? '' : 's'})`
    )
  }

  private async contactAdd (): Promise<number> {
    const contact = await this.online(async ({ messenger }) => messenger.addContact(this.line.args[0], this.line.name))
    this.printContact(contact)
    return 0
  }

  private async contactList (): Promise<number> {
    const contacts = await this.offline(async messenger => messenger.contacts())
    for (const contact of contacts) { this.printContact(contact) }
    return 0
  }

  private async send (): Promise<number> {
    const { waitForTopicPeers } = await import('./libp2p.ts')
    const [to, text] = this.line.args
    let contact: Contact | undefined
    const results = await this.online(async ({ node, messenger }) => {
      // start() joins the inbox topic at once, then publishes the device records;
      // the receipt comes back on that topic: be in its mesh before sending
      const [started, joined] = await Promise.all([
        messenger.start(),
        waitForTopicPeers(node, inboxTopic(messenger.identity.device.signing.publicKey), TOPIC_READY_TIMEOUT)
      ])
      if (!started.published) { this.warn('own device records not published') }
      if (!joined) { this.warn('no mesh peer on the own inbox topic yet: the receipt may be missed') }
      this.debug('ready to send')

      const receipts = new Set<string>()
      let onReceipt: () => void = () => {}
      const listener = (evt: CustomEvent<{ id: string }>): void => {
        receipts.add(evt.detail.id)
        onReceipt()
      }
      messenger.addEventListener('receipt', listener)
      try {
        const sent: SendResult[] = []
        for await (const line of text === '-' ? this.stdinLines() : [text]) {
          const result = await messenger.send(to, line)
          this.debug(`published ${result.id} to ${result.published} of ${result.devices} device(s), stored at ${result.stored.successes.length} mailbox(es)`)
          sent.push(result)
        }
        // the receipts of everything that went out, or the timeout
        const waiting = sent.filter(r => r.published > 0 || r.stored.successes.length > 0)
        const all = (): boolean => waiting.every(r => receipts.has(r.id))
        if (this.line.timeout > 0 && waiting.length > 0) {
          await new Promise<void>(resolve => {
            const timer = setTimeout(resolve, this.line.timeout * 1000)
            onReceipt = () => {
              if (!all()) { return }
              clearTimeout(timer)
              resolve()
            }
            onReceipt()
          })
        }
        return sent.map(r => ({ ...r, delivered: receipts.has(r.id) }))
      } finally {
        messenger.removeEventListener('receipt', listener)
      }
    }, async messenger => {
      contact = await messenger.resolve(to)
    })

    const userId = contact?.userId ?? to
    let failed = 0
    for (const result of results) {
      const stored = result.stored.successes.length
      const out = result.published > 0 || stored > 0
      if (!out) { failed++ }
      this.print({
        type: 'sent',
        id: result.id,
        to: userId,
        delivered: result.delivered,
        published: result.published,
        stored,
        mailboxes: result.stored.successes.map(r => r.mailbox.toString()),
        durable: result.durable
      }, !out
        ? `not sent to ${userId}: no peer and no mailbox took the message`
        : `sent ${result.id} to ${userId}: ${result.delivered ? 'delivered' : 'no receipt yet'}, stored at ${stored} mailbox${stored === 1 ? '' : 'es'}`)
    }
    return failed === 0 ? 0 : 2
  }

  /** The lines of stdin, each a message (`send <to> -`); an empty line is skipped */
  private async * stdinLines (): AsyncGenerator<string> {
    const lines = createInterface({ input: this.io.stdin, crlfDelay: Infinity })
    try {
      for await (const line of lines) {
        if (line === '') { continue }
        if (new TextEncoder().encode(line).length > MAX_STDIN_LINE_BYTES) {
          throw new UsageError(`a line of stdin is over ${MAX_STDIN_LINE_BYTES} bytes`)
        }
        yield line
      }
    } finally {
      lines.close()
    }
  }

  private printMessage (m: ReceivedMessage): void {
    this.print({ type: 'message', id: m.id, from: m.peer, text: m.text, sentAt: m.sentAt },
      `${new Date(m.sentAt).toISOString()} ${m.peer}: ${printable(m.text)}`)
  }

  private async sync (): Promise<number> {
    await this.online(async ({ messenger }) => {
      messenger.addEventListener('message', evt => { this.printMessage(evt.detail) })
      this.printGroupEvents(messenger)
      if (!(await messenger.start()).published) { this.warn('own device records not published') }
      await this.learnGroupNames(messenger)
      const result = await messenger.sync()
      for (const failure of result.failed) { this.warn(`mailbox ${failure.peer} not reached: ${describeError(failure.error)}`) }
      if (result.reached.length === 0) {
        throw new BootstrapError('no mailbox reached')
      }
      // `messages` counts every message line printed: 1:1, group and channel
      const messages = result.messages.length + result.groupMessages.length
      this.print({ type: 'sync', messages, envelopes: result.envelopes, reached: result.reached.length, failed: result.failed.length, missing: result.missing },
        `${messages} new message${messages === 1 ? '' : 's'} from ${result.reached.length} mailbox${result.reached.length === 1 ? '' : 'es'}` +
        (result.missing > 0 ? `; ${result.missing} known missing` : ''))
    })
    return 0
  }

  private async listen (): Promise<number> {
    const { waitForTopicPeers } = await import('./libp2p.ts')
    const stopped = this.io.stopSignal()
    await this.online(async ({ node, messenger }) => {
      messenger.addEventListener('message', evt => { this.printMessage(evt.detail) })
      messenger.addEventListener('receipt', evt => {
        this.print({ type: 'receipt', id: evt.detail.id, from: evt.detail.from }, `delivered ${evt.detail.id} to ${evt.detail.from}`)
      })
      this.printGroupEvents(messenger)
      if (this.line.watch.length > 0 || this.line.envelopes) {
        messenger.addEventListener('envelope', evt => {
          const e = evt.detail
          this.print({ type: 'envelope', topic: e.topic, id: e.id, bytes: e.bytes, decrypted: e.decrypted },
            `envelope ${e.id.slice(0, 16)} on ${e.topic}, ${e.bytes} bytes${e.decrypted ? ', for this device' : ''}`)
        })
      }

      node.addEventListener('peer:disconnect', evt => { this.debug(`disconnected from ${evt.detail.toString()}`) })
      node.addEventListener('peer:connect', evt => { this.debug(`connected to ${evt.detail.toString()}`) })
      if (!(await messenger.start()).published) { this.warn('own device records not published') }
      // start() joined the topics of the groups and channels (inbox buckets too)
      const joined = await this.learnGroupNames(messenger)
      const topics = [inboxTopic(messenger.identity.device.signing.publicKey), ...joined.map(info => info.topic)]
      for (const userId of this.line.watch) {
        const list = await messenger.fetchDeviceList(userId)
        if (list == null) { throw new ContactNotFoundError(`no device list found for ${userId}: is it online, or has it ever been?`) }
        for (const device of list.devices) {
          const topic = inboxTopic(device.signingKey)
          messenger.watchTopic(topic)
          topics.push(topic)
        }
      }
      for (const topic of new Set(topics)) {
        if (!await waitForTopicPeers(node, topic, TOPIC_READY_TIMEOUT)) { this.warn(`no mesh peer on ${topic} yet`) }
      }

      // what came while this device was offline, then live (the messenger fetches again every few minutes)
      const synced = await messenger.sync()
      for (const failure of synced.failed) { this.warn(`mailbox ${failure.peer} not reached: ${describeError(failure.error)}`) }
      this.print({ type: 'ready', userId: messenger.userId, peerId: node.peerId.toString(), synced: synced.messages.length + synced.groupMessages.length }, `listening as ${messenger.userId} (Ctrl-C to stop)`)
      await stopped
    })
    return 0
  }

  private async history (): Promise<number> {
    const messages: StoredMessage[] = await this.offline(async messenger => messenger.history(this.line.args[0]))
    for (const m of messages) {
      this.print({ type: 'history', id: m.id, peer: m.peer, direction: m.direction, text: m.text, sentAt: m.sentAt, state: m.state },
        `${new Date(m.sentAt).toISOString()} ${m.direction === 'in' ? '<' : '>'} ${printable(m.text)}${m.state == null ? '' : ` [${m.state}]`}`)
    }
    return 0
  }

  /** Group and channel names by id, for the human lines of `listen` and `sync` */
  private readonly groupNames = new Map<string, string>()

  /** The names of the groups and channels `start()` loaded; resolves with them */
  private async learnGroupNames (messenger: Messenger): Promise<Array<GroupInfo | ChannelInfo>> {
    const [groups, channels] = await Promise.all([messenger.groups(), messenger.channels()])
    for (const info of [...groups, ...channels]) { this.groupNames.set(info.id, info.name) }
    return [...groups, ...channels]
  }

  /** Prints group messages, channel posts, membership changes and refusals as the messenger emits them */
  private printGroupEvents (messenger: Messenger): void {
    messenger.addEventListener('group-message', evt => { this.printGroupMessage(evt.detail) })
    messenger.addEventListener('group', evt => {
      this.groupNames.set(evt.detail.id, evt.detail.name)
      this.printGroup(evt.detail)
    })
    messenger.addEventListener('channel', evt => {
      this.groupNames.set(evt.detail.id, evt.detail.name)
      this.printChannel(evt.detail)
    })
    messenger.addEventListener('group-rejected', evt => { this.printRejection(evt.detail) })
  }

  /** A group's or channel's name for a human line (the start of its id when unknown) */
  private groupName (id: string): string {
    return printable(this.groupNames.get(id) ?? id.slice(0, 16))
  }

  private printGroup (group: GroupInfo): void {
    const count = group.members.length
    this.print(
      { type: 'group', id: group.id, name: group.name, members: group.members.map(m => m.userId), member: group.member, admin: group.admin, topic: group.topic },
      `${printable(group.name)}  ${group.id}  (${count} member${count === 1 ? '' : 's'}${group.admin ? ', admin' : ''}${group.member ? '' : ', not a member'})`
    )
  }

  /** The invite link holds the channel key: it is printed by `channel create` only */
  private printChannel (channel: ChannelInfo, withInvite = false): void {
    const readers = channel.readers.length
    this.print(
      { type: 'channel', id: channel.id, name: channel.name, owner: channel.owner, admin: channel.admin, readers: channel.readers, topic: channel.topic, ...(withInvite ? { invite: channel.invite } : {}) },
      withInvite
        ? channel.invite
        : `${printable(channel.name)}  ${channel.id}  (${channel.admin ? `owner, ${readers} known reader${readers === 1 ? '' : 's'}` : `reader; posts by ${channel.owner}`})`
    )
  }

  private printGroupMessage (m: GroupMessage): void {
    this.print({ type: 'group-message', kind: m.kind, group: m.group, from: m.from, id: m.id, text: m.text, sentAt: m.sentAt },
      `${new Date(m.sentAt).toISOString()} [${this.groupName(m.group)}] ${m.from}: ${printable(m.text)}`)
  }

  private printRejection (r: GroupRejection): void {
    this.print({ type: 'group-rejected', kind: r.kind, group: r.group, reason: r.reason },
      `refused a ${r.kind === 'group' ? 'message or change' : 'post'} in [${this.groupName(r.group)}]: ${r.reason}`)
  }

  /** Resolves the aliases among `members` before any network wait, so that a typo fails at once */
  private async resolveMembers (messenger: Messenger, members: string[]): Promise<void> {
    for (const member of members) {
      if (!member.startsWith('did:')) { await messenger.resolve(member) }
    }
  }

  /** Joins the own inbox and the group and channel topics (loading the groups) and publishes the device records */
  private async startMessenger (messenger: Messenger): Promise<void> {
    if (!(await messenger.start()).published) { this.warn('own device records not published') }
  }

  private async groupCreate (): Promise<number> {
    const [name] = this.line.args
    const group = await this.online(async ({ messenger }) => {
      await this.startMessenger(messenger)
      return messenger.createGroup(name, this.line.members)
    }, async messenger => { await this.resolveMembers(messenger, this.line.members) })
    this.printGroup(group)
    return 0
  }

  /** An admin's change of a group: aliases are resolved before going online; core refuses a non-admin (GroupPermissionError) before any lookup */
  private async groupChange (change: (messenger: Messenger, group: string) => Promise<GroupInfo>, members: string[]): Promise<number> {
    const group = await this.online(async ({ messenger }) => {
      await this.startMessenger(messenger)
      return change(messenger, this.line.args[0])
    }, async messenger => { await this.resolveMembers(messenger, members) })
    this.printGroup(group)
    return 0
  }

  private async groupInvite (): Promise<number> {
    const members = this.line.args.slice(1)
    return this.groupChange(async (messenger, group) => messenger.addToGroup(group, members), members)
  }

  private async groupRemove (): Promise<number> {
    const member = this.line.args[1]
    return this.groupChange(async (messenger, group) => messenger.removeFromGroup(group, member), [member])
  }

  private async groupLeave (): Promise<number> {
    const group = await this.online(async ({ messenger }) => {
      await this.startMessenger(messenger)
      const group = await messenger.group(this.line.args[0])
      await messenger.leaveGroup(group.id)
      return group
    })
    this.print({ type: 'left', kind: 'group', group: group.id, name: group.name }, `left ${printable(group.name)}  ${group.id}`)
    return 0
  }

  private async groupSend (): Promise<number> {
    return this.post(async messenger => {
      const group = await messenger.group(this.line.args[0])
      if (!group.member) { throw new GroupPermissionError('not a member of the group') }
      return group
    }, async (messenger, id, text) => messenger.sendToGroup(id, text))
  }

  private async channelPost (): Promise<number> {
    return this.post(async messenger => {
      const channel = await messenger.channel(this.line.args[0])
      if (!channel.admin) { throw new GroupPermissionError('only the owner of the channel posts to it') }
      return channel
    }, async (messenger, id, text) => messenger.postToChannel(id, text))
  }

  /**
   * `group send` and `channel post`: the group or channel is looked up (and
   * the right to post checked) before anything is sent; text "-" posts each
   * line of stdin. Exits 2 when a message reached neither a peer nor a mailbox.
   */
  private async post (
    target: (messenger: Messenger) => Promise<GroupInfo | ChannelInfo>,
    send: (messenger: Messenger, id: string, text: string) => Promise<GroupSendResult>
  ): Promise<number> {
    const { waitForTopicPeers } = await import('./libp2p.ts')
    const text = this.line.args[1]
    const { info, sent } = await this.online(async ({ node, messenger }) => {
      await this.startMessenger(messenger)
      const info = await target(messenger)
      // be in the topic's mesh (an inbox bucket, relayed by the bootstrap nodes) before publishing; else the mailboxes still keep the messages
      if (!await waitForTopicPeers(node, info.topic, TOPIC_READY_TIMEOUT)) { this.warn(`no mesh peer on ${info.topic} yet`) }
      const sent: GroupSendResult[] = []
      for await (const line of text === '-' ? this.stdinLines() : [text]) {
        const result = await send(messenger, info.id, line)
        this.debug(`published ${result.id} to ${result.published} peer(s), stored at ${result.stored.successes.length} mailbox(es)`)
        sent.push(result)
      }
      return { info, sent }
    })

    let failed = 0
    for (const result of sent) {
      const stored = result.stored.successes.length
      const out = result.published > 0 || stored > 0
      if (!out) { failed++ }
      this.print({
        type: 'group-sent',
        kind: info.kind,
        group: info.id,
        id: result.id,
        published: result.published,
        stored,
        mailboxes: result.stored.successes.map(r => r.mailbox.toString()),
        durable: result.durable
      }, !out
        ? `not sent to ${printable(info.name)}: no peer and no mailbox took the message`
        : `sent ${result.id} to ${printable(info.name)}: ${result.published > 0 ? 'published' : 'not published'}, stored at ${stored} mailbox${stored === 1 ? '' : 'es'}`)
    }
    return failed === 0 ? 0 : 2
  }

  private async groupList (): Promise<number> {
    const groups = await this.offline(async messenger => messenger.groups())
    for (const group of groups) { this.printGroup(group) }
    return 0
  }

  private async groupMembers (): Promise<number> {
    const group = await this.offline(async messenger => messenger.group(this.line.args[0]))
    for (const m of group.members) {
      this.print({ type: 'member', group: group.id, userId: m.userId, admin: m.admin, devices: m.devices },
        `${m.userId}${m.admin ? '  admin' : ''}`)
    }
    return 0
  }

  private printGroupHistory (messages: GroupMessage[]): void {
    for (const m of messages) {
      this.print({ type: 'group-history', kind: m.kind, group: m.group, id: m.id, from: m.from, direction: m.direction, text: m.text, sentAt: m.sentAt, state: m.state },
        `${new Date(m.sentAt).toISOString()} ${m.direction === 'in' ? `< ${m.from}:` : '>'} ${printable(m.text)}${m.state == null ? '' : ` [${m.state}]`}`)
    }
  }

  private async groupHistory (): Promise<number> {
    this.printGroupHistory(await this.offline(async messenger => messenger.groupHistory(this.line.args[0])))
    return 0
  }

  private async channelCreate (): Promise<number> {
    const channel = await this.online(async ({ messenger }) => {
      await this.startMessenger(messenger)
      return messenger.createChannel(this.line.args[0])
    })
    this.printChannel(channel, true)
    return 0
  }

  private async channelJoin (): Promise<number> {
    const channel = await this.online(async ({ messenger }) => {
      await this.startMessenger(messenger)
      return messenger.joinChannel(this.line.args[0])
    })
    this.printChannel(channel)
    return 0
  }

  private async channelList (): Promise<number> {
    const channels = await this.offline(async messenger => messenger.channels())
    for (const channel of channels) { this.printChannel(channel) }
    return 0
  }

  private async channelHistory (): Promise<number> {
    this.printGroupHistory(await this.offline(async messenger => messenger.channelHistory(this.line.args[0])))
    return 0
  }

  private async backupExport (): Promise<number> {
    const file = this.line.args[0]
    const identity = await this.offline(async messenger => messenger.identity)
    const passphrase = await this.readSecret(BACKUP_PASSPHRASE_ENV, 'backup passphrase')
    const bytes = await exportBackup(identity, passphrase)
    // never overwrite: the file there may be the only other copy of a key
    await writeFile(file, bytes, { flag: 'wx', mode: 0o600 })
    this.print({ type: 'backup', file, userId: identity.userId }, `backup of ${identity.userId} written to ${file}`)
    return 0
  }

  private async backupImport (): Promise<number> {
    const file = this.line.args[0]
    const bytes = await readInputFile(file)
    await this.refuseExistingIdentity()
    const passphrase = await this.readSecret(BACKUP_PASSPHRASE_ENV, 'backup passphrase')
    const identity = await importBackup(bytes, passphrase)
    await this.storeNewIdentity(identity)
    this.print({ type: 'identity', userId: identity.userId, name: identity.name }, identity.userId)
    return 0
  }

  /** A secret from the environment, else the first line of stdin (prompted on a terminal) */
  private async readSecret (envName: string, what: string): Promise<string> {
    const fromEnv = this.env[envName]
    if (fromEnv != null && fromEnv !== '') { return fromEnv }
    let secret: string
    if (this.io.stdin.isTTY === true) {
      const rl = createInterface({ input: this.io.stdin, output: this.io.stderr as NodeJS.WritableStream, terminal: true })
      try {
        secret = await rl.question(`${what}: `)
      } finally {
        rl.close()
      }
    } else {
      secret = await firstLine(this.io.stdin)
    }
    if (secret === '') {
      throw new UsageError(`no ${what}: set ${envName} or give it on stdin`)
    }
    return secret
  }
}

async function readInputFile (file: string): Promise<Uint8Array> {
  const info = await stat(file)
  if (info.size > MAX_INPUT_FILE_BYTES) {
    throw new RangeError(`${file} is over ${MAX_INPUT_FILE_BYTES} bytes`)
  }
  return readFile(file)
}

/** The first line of a stream (up to 64 KiB), without its line ending */
async function firstLine (stream: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk)
    if (text.includes('\n') || text.length > 65536) { break }
  }
  return text.split(/\r?\n/)[0]
}
