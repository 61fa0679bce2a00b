/**
 * What a device keeps, over any abstract-level database (classic-level on
 * Node, browser-level in a tab, memory-level in tests): its identity, its
 * sessions, its contacts and its message history.
 *
 * Everything is bounded: contacts by MAX_CONTACTS, history by
 * MAX_HISTORY_PER_CONTACT (the oldest message of a conversation goes first).
 */

import { decodeIdentity, encodeIdentity } from '../identity/identity-record.ts'
import { MAX_CONTACTS, MAX_DEVICES, MAX_HISTORY_PER_CONTACT, MAX_MAILBOXES_PER_LIST, MAX_OUTBOX, MAX_OWED_RECEIPTS } from '../protocol/constants.ts'
import { DeviceSessions, SessionManagerRecord } from '../protocol/pb/store.ts'
import { hex, own } from '../utils/bytes.ts'
import { sealedEncoding } from './at-rest.ts'
import type { AtRest } from './at-rest.ts'
import type { LocalIdentity } from '../identity/identity.ts'
import type { AbstractLevel, AbstractSublevel } from 'abstract-level'

export interface Contact {
  userId: string
  /** A local name; never sent */
  alias?: string
  /** Hex signing keys of the contact's devices, from its latest verified device list */
  devices: string[]
  /** Version of that device list */
  deviceListVersion: number
  verified?: boolean
  addedAt: number
}

export type Direction = 'in' | 'out'
/** Delivery states of an outgoing message, in order: a state never goes back */
export type DeliveryState = 'sending' | 'sent' | 'stored' | 'delivered'
const STATE_RANK: Record<DeliveryState, number> = { sending: 0, sent: 1, stored: 2, delivered: 3 }

export interface StoredMessage {
  /** 32 hex digits */
  id: string
  /** The other side of the conversation */
  peer: string
  direction: Direction
  text: string
  /** Sender's clock, ms */
  sentAt: number
  /** This device's clock, ms */
  storedAt: number
  state?: DeliveryState
  /** Outgoing: mailbox nodes that signed a storage receipt for it */
  mailboxes?: number
  /** In a group or channel conversation (peer "group:<id>" or "channel:<id>"): who sent it */
  from?: string
}

type Db = AbstractLevel<any, any, any>

/**
 * A delivery receipt this device owes: written with the message it
 * acknowledges, deleted once the receipt was sent (or tried). One still here
 * at a start was cut off by a crash, and goes then: the mailbox copy of its
 * message can no longer be decrypted (its key is spent), so nothing else
 * would bring the receipt back.
 */
export interface OwedReceipt {
  /** The sender device: its hex signing key */
  device: string
  /** The message id, hex */
  id: string
  userId: string
}

/** Session records to write: the devices whose sessions changed (none left: deleted), the replay memory when it changed */
export interface SessionChanges {
  devices: DeviceSessions[]
  seenBaseKeys?: Uint8Array[]
}
type Sub<V> = AbstractSublevel<any, any, string, V>

/** History is trimmed after this many new messages in a conversation (amortizes the scan) */
const TRIM_EVERY = 100
/** classic-level honours `sync` (fsync before the write returns); other levels ignore it */
const DURABLE = { sync: true } as unknown as Record<string, never>
const IDENTITY_KEY = 'identity'
const SEEN_BASE_KEYS_KEY = 'seen-base-keys'
const MAILBOXES_KEY = 'mailboxes'

function messageKey (peer: string, storedAt: number, id: string): string {
  return `${peer}!${String(storedAt).padStart(15, '0')}!${id}`
}

export class MessengerStore {
  private readonly db: Db
  private readonly keys: Sub<Uint8Array>
  /** remote device signing key (hex) -> its DeviceSessions record */
  private readonly sessionsDb: Sub<Uint8Array>
  private readonly contactsDb: Sub<Contact>
  private readonly messagesDb: Sub<StoredMessage>
  /** message id -> message key, to update a delivery state */
  private readonly messageIndex: Sub<string>
  /** Groups and channels: logs, sender keys, channel keys (sealed at rest like sessions) */
  private readonly groupsDb: Sub<Uint8Array>
  /** "<device hex>!<message id hex>" -> user id: delivery receipts not sent yet */
  private readonly receiptsDb: Sub<string>
  /** message id -> "": outgoing messages still "sending" (stored, not yet out), sent again at start */
  private readonly outboxDb: Sub<string>
  private readonly addedSinceTrim = new Map<string, number>()
  private updates: Promise<unknown> = Promise.resolve()

  /** With `atRest`, the identity and the sessions (every secret key) are sealed in the database */
  constructor (db: Db, options: { atRest?: AtRest } = {}) {
    this.db = db
    const secret = options.atRest == null ? 'view' : sealedEncoding(options.atRest)
    this.keys = db.sublevel<string, Uint8Array>('keys', { valueEncoding: secret as any })
    this.sessionsDb = db.sublevel<string, Uint8Array>('sessions', { valueEncoding: secret as any })
    this.contactsDb = db.sublevel<string, Contact>('contacts', { valueEncoding: 'json' })
    this.messagesDb = db.sublevel<string, StoredMessage>('messages', { valueEncoding: 'json' })
    this.messageIndex = db.sublevel<string, string>('message-index', { valueEncoding: 'utf8' })
    this.groupsDb = db.sublevel<string, Uint8Array>('groups', { valueEncoding: secret as any })
    this.receiptsDb = db.sublevel<string, string>('owed-receipts', { valueEncoding: 'utf8' })
    this.outboxDb = db.sublevel<string, string>('outbox', { valueEncoding: 'utf8' })
  }

  /** Writes (or, for undefined, deletes) group and channel records in one durable batch */
  async saveGroupRecords (entries: Array<[string, Uint8Array | undefined]>): Promise<void> {
    if (entries.length === 0) { return }
    const batch = this.groupsDb.batch()
    for (const [key, value] of entries) {
      if (value == null) {
        batch.del(key)
      } else {
        batch.put(key, value)
      }
    }
    await batch.write(DURABLE)
  }

  /** True when this device has a group or a channel */
  async hasGroups (): Promise<boolean> {
    return (await this.groupsDb.keys({ limit: 1 }).all()).length > 0
  }

  /** Group and channel records under a key prefix, in key order */
  async groupRecords (prefix: string, limit = -1): Promise<Array<[string, Uint8Array]>> {
    return this.groupsDb.iterator({ gte: prefix, lt: `${prefix}~`, limit }).all()
  }

  async loadIdentity (): Promise<LocalIdentity | undefined> {
    let bytes: Uint8Array | undefined
    try {
      bytes = await this.keys.get(IDENTITY_KEY)
    } catch (err: any) {
      // a value sealed under another data key (or altered): the typed error, not level's wrapper
      throw err?.cause?.name === 'DecryptionError' ? err.cause : err
    }
    return bytes == null ? undefined : decodeIdentity(bytes)
  }

  async saveIdentity (identity: LocalIdentity): Promise<void> {
    await this.keys.put(IDENTITY_KEY, encodeIdentity(identity), DURABLE)
  }

  /** Every stored session: one record per remote device, and the replay memory */
  async loadSessions (): Promise<SessionManagerRecord | undefined> {
    const devices: DeviceSessions[] = []
    for await (const bytes of this.sessionsDb.values({ limit: MAX_CONTACTS * MAX_DEVICES })) {
      devices.push(DeviceSessions.decode(bytes))
    }
    const seen = await this.keys.get(SEEN_BASE_KEYS_KEY)
    if (devices.length === 0 && seen == null) {
      return undefined
    }
    return { devices, seenBaseKeys: seen == null ? [] : SessionManagerRecord.decode(seen).seenBaseKeys }
  }

  async contact (userId: string): Promise<Contact | undefined> {
    return this.contactsDb.get(userId)
  }

  async contacts (): Promise<Contact[]> {
    return this.contactsDb.values().all()
  }

  async saveContact (contact: Contact): Promise<void> {
    if ((await this.contactsDb.get(contact.userId)) == null && (await this.contactsDb.keys({ limit: MAX_CONTACTS }).all()).length >= MAX_CONTACTS) {
      throw new RangeError(`at most ${MAX_CONTACTS} contacts`)
    }
    await this.contactsDb.put(contact.userId, contact)
  }

  /**
   * Stores a message, and with `receipt` the delivery receipt it is owed (in
   * the same write, a duplicate too); false when a message with this id was
   * stored before (a duplicate)
   */
  async addMessage (message: StoredMessage, receipt?: OwedReceipt): Promise<boolean> {
    return this.commit({ message, receipt })
  }

  /** The delivery receipts owed (see OwedReceipt), at most MAX_OWED_RECEIPTS */
  async owedReceipts (): Promise<OwedReceipt[]> {
    const owed: OwedReceipt[] = []
    for (const [key, userId] of await this.receiptsDb.iterator({ limit: MAX_OWED_RECEIPTS }).all()) {
      const [device, id] = key.split('!')
      if (device != null && id != null) { owed.push({ device, id, userId }) }
    }
    return owed
  }

  /**
   * Outgoing messages still "sending" (see MAX_OUTBOX), oldest first: stored
   * with the session state that encrypted them, then cut off before they went
   * out. Entries whose message is gone are forgotten.
   */
  async outbox (): Promise<StoredMessage[]> {
    const pending: StoredMessage[] = []
    const gone: string[] = []
    for (const id of await this.outboxDb.keys({ limit: MAX_OUTBOX }).all()) {
      const key = await this.messageIndex.get(id)
      const message = key == null ? undefined : await this.messagesDb.get(key)
      if (message?.state === 'sending') {
        pending.push(message)
      } else {
        gone.push(id)
      }
    }
    if (gone.length > 0) { await this.outboxDb.batch(gone.map(key => ({ type: 'del' as const, key }))) }
    return pending.sort((a, b) => a.storedAt - b.storedAt)
  }

  /** Forgets owed receipts once they were sent (or tried) */
  async settleReceipts (device: string, ids: string[]): Promise<void> {
    if (ids.length === 0) { return }
    await this.receiptsDb.batch(ids.map(id => ({ type: 'del' as const, key: `${device}!${id}` })))
  }

  /**
   * One durable write of what a message changed: the session state and, when
   * given, the message itself (false, and only the sessions written, when a
   * message with this id was stored before).
   */
  async commit (change: { sessions?: SessionChanges, message?: StoredMessage, receipt?: OwedReceipt }): Promise<boolean> {
    const { sessions, message, receipt } = change
    const duplicate = message != null && (await this.messageIndex.get(message.id)) != null
    // one batch on the root database: a chained batch of a sublevel does not delete in a sibling
    const batch = this.db.batch()
    for (const device of sessions?.devices ?? []) {
      const key = hex(device.remoteSigningKey)
      if (device.sessions.length === 0) {
        batch.del(key, { sublevel: this.sessionsDb })
      } else {
        batch.put(key, DeviceSessions.encode(device), { sublevel: this.sessionsDb })
      }
    }
    if (sessions?.seenBaseKeys != null) {
      batch.put(SEEN_BASE_KEYS_KEY, SessionManagerRecord.encode({ devices: [], seenBaseKeys: sessions.seenBaseKeys.map(own) }), { sublevel: this.keys })
    }
    if (message != null && !duplicate) {
      const key = messageKey(message.peer, message.storedAt, message.id)
      batch.put(key, message, { sublevel: this.messagesDb }).put(message.id, key, { sublevel: this.messageIndex })
      if (message.direction === 'out' && (message.state ?? 'sending') === 'sending') {
        batch.put(message.id, '', { sublevel: this.outboxDb })
      }
    }
    if (receipt != null) {
      batch.put(`${receipt.device}!${receipt.id}`, receipt.userId, { sublevel: this.receiptsDb })
    }
    if (batch.length > 0) {
      await batch.write(sessions != null ? DURABLE : {})
    } else {
      await batch.close()
    }
    if (message == null || duplicate) {
      return false
    }
    await this.trim(message.peer)
    return true
  }

  /**
   * Moves a message forward to `state` (never back); undefined when there is
   * no such message. Updates run one at a time: a receipt's "delivered" and
   * the sender's own "sent" may race, and a read-modify-write must not lose one.
   */
  async setState (id: string, state: DeliveryState, mailboxes?: number): Promise<StoredMessage | undefined> {
    const run = this.updates.then(async () => this.updateState(id, state, mailboxes))
    this.updates = run.catch(() => {})
    return run
  }

  private async updateState (id: string, state: DeliveryState, mailboxes?: number): Promise<StoredMessage | undefined> {
    const key = await this.messageIndex.get(id)
    if (key == null) {
      return undefined
    }
    const message = await this.messagesDb.get(key)
    if (message == null) {
      return undefined
    }
    const before = message.state ?? 'sending'
    if (STATE_RANK[state] > STATE_RANK[before]) {
      message.state = state
    }
    if (mailboxes != null) {
      message.mailboxes = mailboxes
    }
    const batch = this.db.batch().put(key, message, { sublevel: this.messagesDb })
    if (before === 'sending' && message.state !== 'sending') { batch.del(id, { sublevel: this.outboxDb }) }
    await batch.write()
    return message
  }

  /** The mailbox nodes (peer id multihash bytes) this device last published as its own */
  async loadMailboxes (): Promise<Uint8Array[]> {
    const bytes = await this.keys.get(MAILBOXES_KEY)
    if (bytes == null) {
      return []
    }
    const list: Uint8Array[] = []
    for (let offset = 0; offset < bytes.length && list.length < MAX_MAILBOXES_PER_LIST;) {
      const length = bytes[offset]
      list.push(bytes.slice(offset + 1, offset + 1 + length))
      offset += 1 + length
    }
    return list
  }

  async saveMailboxes (peers: Uint8Array[]): Promise<void> {
    const kept = peers.slice(0, MAX_MAILBOXES_PER_LIST).filter(p => p.length > 0 && p.length < 256)
    const bytes = new Uint8Array(kept.reduce((n, p) => n + 1 + p.length, 0))
    let offset = 0
    for (const peer of kept) {
      bytes[offset] = peer.length
      bytes.set(peer, offset + 1)
      offset += 1 + peer.length
    }
    await this.keys.put(MAILBOXES_KEY, bytes, DURABLE)
  }

  /** The conversation with `peer`, oldest first */
  async history (peer: string, limit = MAX_HISTORY_PER_CONTACT): Promise<StoredMessage[]> {
    return this.messagesDb.values({ gt: `${peer}!`, lt: `${peer}!~`, limit }).all()
  }

  /** Deletes the oldest messages past MAX_HISTORY_PER_CONTACT; runs every TRIM_EVERY additions per peer */
  private async trim (peer: string): Promise<void> {
    const added = (this.addedSinceTrim.get(peer) ?? 0) + 1
    this.addedSinceTrim.set(peer, added)
    if (added < TRIM_EVERY) {
      return
    }
    this.addedSinceTrim.delete(peer)
    const newestFirst = await this.messagesDb.keys({ gt: `${peer}!`, lt: `${peer}!~`, reverse: true }).all()
    if (newestFirst.length <= MAX_HISTORY_PER_CONTACT) {
      return
    }
    const batch = this.db.batch()
    for (const key of newestFirst.slice(MAX_HISTORY_PER_CONTACT)) {
      batch.del(key, { sublevel: this.messagesDb })
      batch.del(key.split('!')[2], { sublevel: this.messageIndex })
    }
    await batch.write()
  }
}
