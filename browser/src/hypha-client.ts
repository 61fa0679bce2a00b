/**
 * The app's model, below the UI: configuration, storage (level db sealed by
 * a WebCrypto-wrapped data key), the sign-in flows, the libp2p node and the
 * Messenger, the online state, a bounded outbox and the conversation list.
 * Components reach it (and the Messenger) through `@lit/context` and follow
 * it through its events and the Messenger's.
 */

import { MessengerStore, atRestCipher, constants, createIdentity } from '@hypha/core'
import { Level } from 'level'
import { BOOTSTRAP_STORAGE_KEY, CONFIG_CACHE_KEY, EMPTY_CONFIG, MAX_CONFIG_BYTES, bootstrapPeerIds, effectiveConfig, parseConfig, parseSavedBootstrap } from './config.ts'
import { parseContactInput, parseMemberList } from './contact-input.ts'
import { BackupInputError, BootstrapError, KeyMismatchError, QueueFullError } from './errors.ts'
import { deleteKeyDb, loadOrCreateDataKey } from './storage/key-vault.ts'
import { UiState } from './storage/ui-state.ts'
import { connectionRows, transportOf } from './transport.ts'
import { countUnread, readMarker } from './unread.ts'
import type { AppConfig } from './config.ts'
import type { BrowserNode } from './peer/browser-node.ts'
import type { DirectPresence } from './peer/direct.ts'
import type { ConnectionRow } from './transport.ts'
import type { WalletProvider } from './wallet/eip6963.ts'
import type { AtRest, ChannelInfo, Contact, GroupInfo, GroupMessage, GroupRejection, LocalIdentity, Messenger, ReceivedMessage, StoredMessage } from '@hypha/core'
import type { Connection } from '@libp2p/interface'

/** The networking chunk (src/peer/open-peer.ts), loaded once there is an identity */
type PeerModule = typeof import('./peer/open-peer.ts')

/** The IndexedDB name of the Messenger's database (browser-level) */
export const DB_NAME = 'hypha'

/** Messages waiting to go out (typed offline, or queued behind another send), all conversations together */
export const MAX_OUTBOX = 100

/** Diagnostic lines kept for the connection panel (never keys or plaintext) */
export const MAX_LOG_LINES = 200

/** Contacts connected to directly after going online, most recent conversations first */
export const MAX_AUTO_CONNECT = 16

/** A first reconnection attempt after a failed start waits this long (ms); doubles up to RECONNECT_MAX_DELAY */
export const RECONNECT_DELAY = 5_000
export const RECONNECT_MAX_DELAY = 60_000

/** Lookups of a new contact's device list before "not found": one who just came online may not have published it yet */
export const ADD_CONTACT_ATTEMPTS = 3

/** Pause between two lookups of a new contact (ms) */
export const ADD_CONTACT_RETRY_DELAY = 2_000

/** Shortest backup passphrase accepted for an export */
export const MIN_BACKUP_PASSPHRASE_LENGTH = 8

/** Refusals of group operations and posts (core's `group-rejected`) kept for the group views, newest last */
export const MAX_REJECTIONS = 20

/** Read markers of groups and channels sit beside those of people, under `group:<id>` (user ids start with `did:`) */
const GROUP_MARKER = 'group:'

export type Phase = 'loading' | 'onboarding' | 'backup-offer' | 'ready' | 'error'

export interface PendingMessage {
  /** Local only: not the message id */
  localId: string
  peer: string
  text: string
  createdAt: number
  /** queued: waits for the network; sending: in Messenger.send; failed: see `error` */
  status: 'queued' | 'sending' | 'failed'
  error?: string
}

export interface ConversationSummary {
  userId: string
  contact?: Contact
  /** Alias, else the user id */
  title: string
  unread: number
  last?: StoredMessage
  /** Newest activity, for the order of the list */
  activeAt: number
}

/** A group or a channel in the conversation list */
export interface GroupSummary {
  kind: 'group' | 'channel'
  id: string
  title: string
  /** False once this user left or was removed (groups; a channel is always true) */
  member: boolean
  unread: number
  last?: GroupMessage
  activeAt: number
}

export interface HyphaClientEvents {
  /** phase, identity or configuration changed */
  phase: CustomEvent<Phase>
  /** the online state or the connections changed */
  network: CustomEvent<{ online: boolean }>
  /** a conversation changed (messages, delivery states, contact, unread) */
  conversation: CustomEvent<{ userId: string }>
  /** the contact list or the conversation list changed */
  conversations: CustomEvent<undefined>
  /** a group or a channel changed (messages, members, readers, a refusal), by id */
  group: CustomEvent<{ id: string }>
}

/**
 * config.json beside the app. The last one that read well is kept in
 * localStorage: a start without a network (the app shell comes from the
 * service worker) still knows its bootstrap nodes for when the network is back.
 */
async function fetchConfig (): Promise<{ config: AppConfig, problem?: string }> {
  let text: string
  try {
    const response = await fetch('./config.json', { cache: 'no-store', credentials: 'omit' })
    if (!response.ok) {
      return lastConfig(`config.json: HTTP ${response.status}`)
    }
    text = await response.text()
  } catch {
    return lastConfig('config.json could not be fetched (offline?)')
  }
  try {
    if (text.length > MAX_CONFIG_BYTES) {
      return { config: EMPTY_CONFIG, problem: `config.json is over ${MAX_CONFIG_BYTES} bytes` }
    }
    const config = parseConfig(JSON.parse(text))
    storage()?.setItem(CONFIG_CACHE_KEY, text)
    return { config }
  } catch (err: any) {
    return { config: EMPTY_CONFIG, problem: err.name === 'InvalidConfigError' ? err.message : `config.json is not JSON: ${err.message}` }
  }
}

/** The config.json seen last, when there is one, with what went wrong this time */
function lastConfig (problem: string): { config: AppConfig, problem: string } {
  try {
    const cached = storage()?.getItem(CONFIG_CACHE_KEY)
    if (cached != null) {
      return { config: parseConfig(JSON.parse(cached)), problem: `${problem}; using the copy from the last start` }
    }
  } catch {
    // a damaged copy: as if there were none
  }
  return { config: EMPTY_CONFIG, problem }
}

/** localStorage, when the browser allows it (it may throw in a sandboxed frame) */
function storage (): Storage | undefined {
  try {
    return globalThis.localStorage
  } catch {
    return undefined
  }
}

/** Runs a clean-up step; its failure must not stop the next one */
async function quietly (step: () => Promise<unknown>): Promise<void> {
  try {
    await step()
  } catch {
    // best effort: the page may be going away
  }
}

/** The Messenger's events about groups and channels, each followed by a `group` event of the client */
const GROUP_EVENTS = ['group-message', 'group', 'channel', 'group-rejected'] as const

function savedBootstrap (): string[] | undefined {
  return parseSavedBootstrap(storage()?.getItem(BOOTSTRAP_STORAGE_KEY))
}

export class HyphaClient extends EventTarget {
  phase: Phase = 'loading'
  error?: Error
  /** config.json as served */
  fileConfig: AppConfig = EMPTY_CONFIG
  /** What is wrong with config.json, if anything */
  configProblem?: string
  /** config.json with the saved bootstrap list applied */
  config: AppConfig = EMPTY_CONFIG
  /** True when the bootstrap list comes from the settings, not from config.json */
  bootstrapSaved = false
  node?: BrowserNode
  messenger?: Messenger
  /** What the network is doing, for the offline banner */
  status = 'starting'
  readonly log: string[] = []
  /** The latest refusals of group operations and posts (at most MAX_REJECTIONS), newest last */
  readonly rejections: GroupRejection[] = []

  private db?: Level<string, any>
  private atRest?: AtRest
  private ui?: UiState
  private direct?: DirectPresence
  private peerModule?: Promise<PeerModule>
  private messengerStarted = false
  private going?: Promise<void>
  private reconnectTimer?: ReturnType<typeof setTimeout>
  private reconnectDelay = RECONNECT_DELAY
  private wasOnline = false
  private readonly outbox: PendingMessage[] = []
  private sendChain: Promise<void> = Promise.resolve()
  private nextLocalId = 0
  /** Set by the browser's `offline` event, cleared by `online` (never read from navigator.onLine: see `online`) */
  private browserOffline = false

  private readonly onWindowOnline = (): void => {
    this.browserOffline = false
    this.networkChanged()
    this.refreshConfig().then(async () => { await this.goOnline() }, () => {})
  }

  private readonly onWindowOffline = (): void => {
    this.browserOffline = true
    this.networkChanged()
  }

  private readonly onConnectionChange = (evt: CustomEvent<Connection>): void => {
    const connection = evt.detail
    this.note(`${evt.type === 'connection:open' ? 'opened' : 'closed'} ${transportOf(connection.remoteAddr)} connection to ${connection.remotePeer.toString().slice(-8)}`)
    this.networkChanged()
  }

  private readonly onMessage = (evt: CustomEvent<ReceivedMessage>): void => {
    this.received(evt.detail.peer).catch((err: Error) => { this.note(`conversation list not updated: ${err.name}`) })
  }

  private readonly onReceipt = (evt: CustomEvent<{ id: string, from: string }>): void => { this.emit('conversation', { userId: evt.detail.from }) }

  /** group-message, group, channel and group-rejected: the group (or channel) they are about changed */
  private readonly onGroupEvent = (evt: Event): void => {
    const detail = (evt as CustomEvent<GroupMessage | GroupInfo | ChannelInfo | GroupRejection>).detail
    if (evt.type === 'group-rejected') {
      this.rejections.push(detail as GroupRejection)
      this.rejections.splice(0, this.rejections.length - MAX_REJECTIONS)
    }
    // a message and a refusal name their group; a GroupInfo or ChannelInfo is one
    this.groupChanged('group' in detail ? detail.group : detail.id)
  }

  /** Fetches config.json again if it could not be read (the app started offline) */
  private async refreshConfig (): Promise<void> {
    if (this.configProblem == null) { return }
    const { config, problem } = await fetchConfig()
    this.fileConfig = config
    this.configProblem = problem
    this.config = effectiveConfig(config, savedBootstrap())
    this.emit('phase', this.phase)
  }

  /** Loads the configuration and the database; then onboarding, or the peer starts */
  async load (): Promise<void> {
    try {
      const [{ config, problem }] = await Promise.all([fetchConfig(), this.openStorage()])
      this.fileConfig = config
      this.configProblem = problem
      const saved = savedBootstrap()
      this.bootstrapSaved = saved != null
      this.config = effectiveConfig(config, saved)
      const identity = await this.store().loadIdentity().catch((err: Error) => {
        throw err.name === 'DecryptionError'
          ? new KeyMismatchError('the stored keys do not open this device\'s database (was the site data partly cleared?)')
          : err
      })
      if (identity == null) {
        this.setPhase('onboarding')
        return
      }
      await this.startPeer()
      this.setPhase('ready')
    } catch (err: any) {
      this.fail(err)
    }
  }

  private async openStorage (): Promise<void> {
    const db = new Level<string, any>(DB_NAME)
    await db.open()
    this.db = db
    const dataKey = await loadOrCreateDataKey()
    try {
      this.atRest = atRestCipher(dataKey)
    } finally {
      // atRestCipher keeps its own copy
      dataKey.fill(0)
    }
    this.ui = new UiState(db)
  }

  private store (): MessengerStore {
    if (this.db == null || this.atRest == null) { throw new Error('storage is not open') }
    return new MessengerStore(this.db, { atRest: this.atRest })
  }

  private fail (err: Error): void {
    this.error = err
    this.setPhase('error')
  }

  private setPhase (phase: Phase): void {
    this.phase = phase
    this.emit('phase', phase)
  }

  private emit<K extends keyof HyphaClientEvents> (type: K, detail: HyphaClientEvents[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }

  private note (message: string): void {
    this.log.push(`${new Date().toISOString().slice(11, 19)} ${message}`)
    if (this.log.length > MAX_LOG_LINES) { this.log.splice(0, this.log.length - MAX_LOG_LINES) }
  }

  get identity (): LocalIdentity | undefined {
    return this.messenger?.identity
  }

  get userId (): string | undefined {
    return this.messenger?.userId
  }

  get bootstrapIds (): string[] {
    return bootstrapPeerIds(this.config.bootstrap)
  }

  // --- sign-in ------------------------------------------------------------

  /** A new key-pair identity; then the backup offer */
  async createIdentity (name: string): Promise<void> {
    await this.adopt(await createIdentity({ name: name.trim() }), true)
  }

  /** A new wallet identity (the wallet signs one SIWE message); then the backup offer */
  async createWalletIdentity (wallet: WalletProvider, name: string): Promise<void> {
    const { createWalletIdentityWith } = await import('./wallet/eip6963.ts')
    const identity = await createWalletIdentityWith(wallet.provider, { name: name.trim(), domain: location.host, uri: location.origin })
    await this.adopt(identity, true)
  }

  /** The identity in an encrypted backup file */
  async restoreBackup (file: Uint8Array, passphrase: string): Promise<void> {
    if (file.length > constants.MAX_BACKUP_BYTES) {
      throw new BackupInputError(`a backup file is at most ${constants.MAX_BACKUP_BYTES} bytes`)
    }
    if (passphrase === '') {
      throw new BackupInputError('enter the backup\'s passphrase')
    }
    const { importBackup } = await import('./backup.ts')
    await this.adopt(await importBackup(file, passphrase), false)
  }

  private async adopt (identity: LocalIdentity, offerBackup: boolean): Promise<void> {
    if (this.db == null || this.atRest == null) { throw new Error('storage is not open') }
    if (await this.store().loadIdentity() != null) {
      throw new Error('this browser already has an identity')
    }
    const peer = await this.peer()
    await peer.saveIdentity(this.db, identity, this.atRest)
    await this.startPeer()
    this.setPhase(offerBackup ? 'backup-offer' : 'ready')
  }

  /** Leaves the backup offer */
  finishBackupOffer (): void {
    if (this.phase === 'backup-offer') { this.setPhase('ready') }
  }

  /** The identity sealed with a passphrase (core's backup format) */
  async exportBackup (passphrase: string): Promise<Uint8Array> {
    const identity = this.identity
    if (identity == null) { throw new Error('no identity yet') }
    if (passphrase.length < MIN_BACKUP_PASSPHRASE_LENGTH) {
      throw new BackupInputError(`a backup passphrase has at least ${MIN_BACKUP_PASSPHRASE_LENGTH} characters`)
    }
    const { exportBackup } = await import('./backup.ts')
    return exportBackup(identity, passphrase)
  }

  // --- the peer -----------------------------------------------------------

  /** The networking chunk; loading starts at the first call */
  private async peer (): Promise<PeerModule> {
    this.peerModule ??= import('./peer/open-peer.ts')
    return this.peerModule
  }

  private async startPeer (): Promise<void> {
    const db = this.db
    const atRest = this.atRest
    if (db == null || atRest == null) { throw new Error('storage is not open') }
    const { openPeer } = await this.peer()
    const { node, messenger, direct } = await openPeer({
      db,
      atRest,
      allowLoopback: this.config.allowLoopback,
      iceServers: this.config.iceServers,
      points: () => this.bootstrapIds,
      log: message => { this.note(message) }
    })
    this.node = node
    this.direct = direct
    this.messenger = messenger
    messenger.addEventListener('message', this.onMessage)
    messenger.addEventListener('receipt', this.onReceipt)
    for (const type of GROUP_EVENTS) { messenger.addEventListener(type, this.onGroupEvent) }
    node.addEventListener('connection:open', this.onConnectionChange)
    node.addEventListener('connection:close', this.onConnectionChange)
    window.addEventListener('online', this.onWindowOnline)
    window.addEventListener('offline', this.onWindowOffline)
    this.note(`peer ${node.peerId.toString()} started`)
    void this.goOnline()
  }

  /**
   * True once the Messenger has joined the mesh (its records published, its
   * inbox subscribed) and while a connection to a bootstrap node is open,
   * unless the browser has just said it went offline (its `offline` event:
   * connections can take many seconds to notice). `navigator.onLine` itself
   * is no guide: Chromium reports false on a loopback-only host (a local
   * mesh), and true behind a dead link.
   */
  get online (): boolean {
    if (this.node == null || !this.messengerStarted || this.browserOffline) { return false }
    const ids = this.bootstrapIds
    return this.node.getConnections().some(c => c.status === 'open' && ids.includes(c.remotePeer.toString()))
  }

  private networkChanged (): void {
    const online = this.online
    if (online && !this.wasOnline) {
      // back from an outage: fetch what the mailboxes kept, send what waited
      void this.goOnline()
    }
    this.wasOnline = online
    this.emit('network', { online })
  }

  /**
   * Dials the bootstrap nodes, waits for the DHT and the mailbox nodes,
   * (re)starts the Messenger, fetches from the mailboxes, sends the outbox and
   * connects to recent contacts. One run at a time; retried with backoff
   * while no bootstrap node answers.
   */
  async goOnline (): Promise<void> {
    this.going ??= this.runGoOnline().finally(() => { this.going = undefined })
    return this.going
  }

  private async runGoOnline (): Promise<void> {
    const node = this.node
    const messenger = this.messenger
    if (node == null || messenger == null) { return }
    clearTimeout(this.reconnectTimer)
    if (this.config.bootstrap.length === 0) {
      this.setStatus('no bootstrap node configured: add one in the settings')
      return
    }
    try {
      const { dialBootstrap, waitForDht, waitForMailboxes, waitForReservation } = await this.peer()
      this.setStatus('connecting to the bootstrap nodes')
      const { connected, errors } = await dialBootstrap(node, this.config.bootstrap)
      if (connected === 0) {
        throw new BootstrapError(`no bootstrap node reached (${errors[0]?.name ?? 'unknown error'})`)
      }
      this.setStatus('joining the mesh')
      if (!await waitForDht(node)) {
        throw new BootstrapError('no DHT server among the bootstrap nodes')
      }
      await Promise.all([
        waitForMailboxes(node, Math.min(connected, constants.MAILBOXES_PER_DEVICE)),
        waitForReservation(node)
      ])
      if (this.messengerStarted) {
        // start() is not idempotent (its timers): stop first; topics stay subscribed
        await messenger.stop()
      }
      const { published } = await messenger.start()
      this.messengerStarted = true
      if (!published) { this.note('own device records not published') }
      this.reconnectDelay = RECONNECT_DELAY
      this.setStatus('online')
      this.networkChanged()
      const synced = await messenger.sync()
      this.note(`mailbox sync: ${synced.messages.length} new, ${synced.reached.length} reached, ${synced.failed.length} failed`)
      this.flushOutbox()
      this.connectToContacts().catch((err: Error) => { this.note(`direct connections to contacts failed: ${err.name}`) })
    } catch (err: any) {
      this.note(`going online failed: ${err.name}: ${err.message}`)
      this.setStatus(`offline: ${err.message}`)
      this.reconnectTimer = setTimeout(() => { void this.goOnline() }, this.reconnectDelay)
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_DELAY)
    }
  }

  private setStatus (status: string): void {
    this.status = status
    this.emit('network', { online: this.online })
  }

  private async connectToContacts (): Promise<void> {
    const messenger = this.messenger
    if (messenger == null) { return }
    const list = (await this.conversations()).filter(c => c.contact != null).slice(0, MAX_AUTO_CONNECT)
    for (const conversation of list) {
      if (!this.online) { return }
      await messenger.connectTo(conversation.userId).catch(() => false)
    }
  }

  /** The connection panel's rows */
  connections (): ConnectionRow[] {
    return this.node == null ? [] : connectionRows(this.node.getConnections(), this.bootstrapIds)
  }

  /**
   * Saves the bootstrap list (it wins over config.json from now on; `undefined`
   * goes back to the file's) and dials the new addresses.
   */
  saveBootstrap (addresses: string[] | undefined): void {
    if (addresses == null) {
      storage()?.removeItem(BOOTSTRAP_STORAGE_KEY)
    } else {
      storage()?.setItem(BOOTSTRAP_STORAGE_KEY, JSON.stringify(addresses))
    }
    this.bootstrapSaved = addresses != null
    this.config = effectiveConfig(this.fileConfig, addresses)
    this.emit('phase', this.phase)
    void this.goOnline()
  }

  // --- contacts and conversations ----------------------------------------

  /**
   * Adds a contact from a user id or an invite link: its device list comes
   * from the DHT, then a direct connection is tried.
   */
  async addContact (input: string): Promise<Contact> {
    const messenger = this.requireMessenger()
    const userId = parseContactInput(input)
    if (userId === messenger.userId) {
      throw new Error('this is your own user id')
    }
    const contact = await this.lookUpContact(messenger, userId)
    await this.ui?.removeStranger(userId)
    this.emit('conversations', undefined)
    this.emit('conversation', { userId })
    return contact
  }

  /** Messenger.addContact, asking the DHT up to ADD_CONTACT_ATTEMPTS times while the device list is not found */
  private async lookUpContact (messenger: Messenger, userId: string): Promise<Contact> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await messenger.addContact(userId)
      } catch (err: any) {
        if (err.name !== 'ContactNotFoundError' || attempt >= ADD_CONTACT_ATTEMPTS) { throw err }
        await new Promise(resolve => setTimeout(resolve, ADD_CONTACT_RETRY_DELAY))
      }
    }
  }

  async contact (userId: string): Promise<Contact | undefined> {
    return this.requireMessenger().contact(userId)
  }

  /** Renames a contact (a local alias; '' removes it) */
  async renameContact (userId: string, alias: string): Promise<void> {
    const trimmed = alias.trim()
    if (trimmed.length > constants.MAX_NAME_LENGTH) {
      throw new RangeError(`an alias has at most ${constants.MAX_NAME_LENGTH} characters`)
    }
    await this.updateContact(userId, { alias: trimmed })
  }

  /** Marks a contact verified (after comparing safety numbers) */
  async markVerified (userId: string, verified = true): Promise<void> {
    await this.updateContact(userId, { verified })
  }

  private async updateContact (userId: string, change: { alias?: string, verified?: boolean }): Promise<void> {
    await this.requireMessenger().updateContact(userId, change)
    this.emit('conversations', undefined)
    this.emit('conversation', { userId })
  }

  /** The conversation, oldest first */
  async history (userId: string): Promise<StoredMessage[]> {
    return this.requireMessenger().history(userId)
  }

  /** Messages of a conversation that have not reached the Messenger's store yet, or failed */
  pending (userId: string): PendingMessage[] {
    return this.outbox.filter(p => p.peer === userId)
  }

  /** Every conversation: contacts and people who wrote, with unread counts, most recent first */
  async conversations (): Promise<ConversationSummary[]> {
    const messenger = this.requireMessenger()
    const ui = this.ui
    const [contacts, strangers, markers] = await Promise.all([
      messenger.contacts(),
      ui?.strangers() ?? new Map<string, number>(),
      ui?.lastReadAll() ?? new Map<string, number>()
    ])
    const ids = new Map<string, Contact | undefined>(contacts.map(c => [c.userId, c]))
    for (const userId of strangers.keys()) {
      if (!ids.has(userId)) { ids.set(userId, undefined) }
    }
    const summaries = await Promise.all([...ids].map(async ([userId, contact]): Promise<ConversationSummary> => {
      const history = await messenger.history(userId)
      const last = history[history.length - 1]
      return {
        userId,
        contact,
        title: contact?.alias ?? userId,
        unread: countUnread(history, markers.get(userId)),
        last,
        activeAt: Math.max(last?.storedAt ?? 0, contact?.addedAt ?? strangers.get(userId) ?? 0)
      }
    }))
    return summaries.sort((a, b) => b.activeAt - a.activeAt)
  }

  /** Everything in the conversation has been seen */
  async markRead (userId: string): Promise<void> {
    await this.markSeen(userId, this.history(userId))
  }

  /** Moves the read marker under `key` to the newest of `messages` */
  private async markSeen (key: string, messages: Promise<ReadonlyArray<{ direction: 'in' | 'out', storedAt: number }>>): Promise<void> {
    const ui = this.ui
    if (ui == null) {
      messages.catch(() => {})
      return
    }
    const [history, marker] = await Promise.all([messages, ui.lastRead(key)])
    const next = readMarker(history, marker)
    if (next !== (marker ?? 0)) {
      await ui.setLastRead(key, next)
      this.emit('conversations', undefined)
    }
  }

  // --- groups and channels -------------------------------------------------
  // the screens that change them load on demand (src/controllers/group-controller.ts);
  // what the conversation list needs stays here

  /** Groups and channels with unread counts, most recent first */
  async groupConversations (): Promise<GroupSummary[]> {
    const messenger = this.requireMessenger()
    const [groups, channels, markers] = await Promise.all([
      messenger.groups(),
      messenger.channels(),
      this.ui?.lastReadAll() ?? new Map<string, number>()
    ])
    const summaries = await Promise.all([...groups, ...channels].map(async (info): Promise<GroupSummary> => {
      const history = await this.groupHistory(info)
      const last = history[history.length - 1]
      return {
        kind: info.kind,
        id: info.id,
        title: info.name,
        member: info.kind === 'channel' || info.member,
        unread: countUnread(history, markers.get(GROUP_MARKER + info.id)),
        last,
        activeAt: Math.max(last?.storedAt ?? 0, info.kind === 'group' ? info.createdAt : 0)
      }
    }))
    return summaries.sort((a, b) => b.activeAt - a.activeAt)
  }

  /** A group's or a channel's messages, oldest first */
  async groupHistory (info: { kind: 'group' | 'channel', id: string }): Promise<GroupMessage[]> {
    const messenger = this.requireMessenger()
    return info.kind === 'group' ? messenger.groupHistory(info.id) : messenger.channelHistory(info.id)
  }

  /** Everything in the group or channel has been seen */
  async markGroupRead (info: { kind: 'group' | 'channel', id: string }): Promise<void> {
    await this.markSeen(GROUP_MARKER + info.id, this.groupHistory(info))
  }

  /**
   * The user ids pasted for a group (`parseMemberList`). The group screens
   * read them through here: importing contact-input.ts from their chunk would
   * split errors.ts off the app's entry into a chunk of its own (rolldown).
   */
  parseMembers (text: string): string[] {
    return parseMemberList(text)
  }

  /** Tells the views that a group or a channel changed (core's events do, and the screens after their own changes) */
  groupChanged (id: string): void {
    this.emit('group', { id })
    this.emit('conversations', undefined)
  }

  private async received (peer: string): Promise<void> {
    const messenger = this.messenger
    if (messenger == null) { return }
    if ((await messenger.contacts()).every(c => c.userId !== peer)) {
      await this.ui?.addStranger(peer, Date.now())
    }
    this.emit('conversation', { userId: peer })
    this.emit('conversations', undefined)
  }

  // --- sending ------------------------------------------------------------

  /**
   * Sends a message: at once when online, else when back online (the outbox
   * holds at most MAX_OUTBOX). A person who is not a contact yet is added first.
   *
   * @throws {QueueFullError} when the outbox is full
   * @throws {RangeError} for an empty or too long text
   */
  send (userId: string, text: string): PendingMessage {
    this.requireMessenger()
    if (text.trim() === '') { throw new RangeError('the message is empty') }
    if (new TextEncoder().encode(text).length > constants.MAX_PLAINTEXT_BYTES) {
      throw new RangeError(`a message has at most ${constants.MAX_PLAINTEXT_BYTES} bytes`)
    }
    if (this.outbox.length >= MAX_OUTBOX) {
      throw new QueueFullError(`${MAX_OUTBOX} messages are already waiting (MAX_OUTBOX)`)
    }
    const entry: PendingMessage = { localId: `local-${++this.nextLocalId}`, peer: userId, text, createdAt: Date.now(), status: 'queued' }
    this.outbox.push(entry)
    this.emit('conversation', { userId })
    if (this.online) { this.deliver(entry) }
    return entry
  }

  /** Tries a failed message again */
  retry (localId: string): void {
    const entry = this.outbox.find(p => p.localId === localId)
    if (entry == null || entry.status !== 'failed') { return }
    entry.status = 'queued'
    entry.error = undefined
    this.emit('conversation', { userId: entry.peer })
    if (this.online) { this.deliver(entry) }
  }

  /** Drops a message that failed */
  discard (localId: string): void {
    const i = this.outbox.findIndex(p => p.localId === localId && p.status === 'failed')
    if (i === -1) { return }
    const [entry] = this.outbox.splice(i, 1)
    this.emit('conversation', { userId: entry.peer })
  }

  private flushOutbox (): void {
    for (const entry of this.outbox) {
      if (entry.status === 'queued') { this.deliver(entry) }
    }
  }

  /** One send at a time, in the order they were typed */
  private deliver (entry: PendingMessage): void {
    entry.status = 'sending'
    this.sendChain = this.sendChain.then(async () => {
      const messenger = this.requireMessenger()
      try {
        if (!this.online) {
          entry.status = 'queued'
          return
        }
        if ((await messenger.contacts()).every(c => c.userId !== entry.peer)) {
          await this.lookUpContact(messenger, entry.peer)
          await this.ui?.removeStranger(entry.peer)
          this.emit('conversations', undefined)
        }
        const result = await messenger.send(entry.peer, entry.text)
        if (result.published === 0 && result.stored.successes.length === 0) {
          this.note(`message ${result.id.slice(0, 8)}: no peer and no mailbox took it`)
        }
        this.outbox.splice(this.outbox.indexOf(entry), 1)
      } catch (err: any) {
        entry.status = this.online ? 'failed' : 'queued'
        entry.error = err.name === 'ContactNotFoundError' ? 'this user was not found on the mesh' : `${err.name}: ${err.message}`
        this.note(`send failed: ${err.name}`)
      } finally {
        this.emit('conversation', { userId: entry.peer })
        this.emit('conversations', undefined)
      }
    })
  }

  private requireMessenger (): Messenger {
    if (this.messenger == null) { throw new Error('not signed in yet') }
    return this.messenger
  }

  // --- the end -------------------------------------------------------------

  /** Stops the peer and closes the database */
  async stop (): Promise<void> {
    clearTimeout(this.reconnectTimer)
    window.removeEventListener('online', this.onWindowOnline)
    window.removeEventListener('offline', this.onWindowOffline)
    this.direct?.close()
    if (this.messenger != null) {
      this.messenger.removeEventListener('message', this.onMessage)
      this.messenger.removeEventListener('receipt', this.onReceipt)
      for (const type of GROUP_EVENTS) { this.messenger.removeEventListener(type, this.onGroupEvent) }
      if (this.messengerStarted) { await quietly(async () => this.messenger?.stop()) }
    }
    await quietly(async () => this.node?.stop())
    await quietly(async () => this.db?.close())
  }

  /** Erases this device: identity, messages, contacts, the data key, saved settings */
  async eraseDevice (): Promise<void> {
    const db = this.db
    await this.stop()
    if (db != null) {
      await quietly(async () => db.open())
      await quietly(async () => db.clear())
      await quietly(async () => db.close())
    }
    await deleteKeyDb()
    storage()?.removeItem(BOOTSTRAP_STORAGE_KEY)
    storage()?.removeItem(CONFIG_CACHE_KEY)
  }
}
