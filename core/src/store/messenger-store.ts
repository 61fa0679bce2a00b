/**
 * What a device keeps, over any abstract-level database (classic-level on
 * Node, browser-level in a tab, memory-level in tests): its identity, its
 * sessions, its contacts and its message history.
 *
 * Everything is bounded: contacts by MAX_CONTACTS, history by
 * MAX_HISTORY_PER_CONTACT (the oldest message of a conversation goes first).
 */

import { decodeIdentity, encodeIdentity } from '../identity/identity-record.ts'
import { MAX_CONTACTS, MAX_HISTORY_PER_CONTACT } from '../protocol/constants.ts'
import { SessionManagerRecord } from '../protocol/pb/store.ts'
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
export type DeliveryState = 'sending' | 'sent' | 'delivered'

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
}

type Db = AbstractLevel<any, any, any>
type Sub<V> = AbstractSublevel<any, any, string, V>

/** History is trimmed after this many new messages in a conversation (amortizes the scan) */
const TRIM_EVERY = 100
/** classic-level honours `sync` (fsync before the write returns); other levels ignore it */
const DURABLE = { sync: true } as unknown as Record<string, never>
const IDENTITY_KEY = 'identity'
const SESSIONS_KEY = 'manager'

function messageKey (peer: string, storedAt: number, id: string): string {
  return `${peer}!${String(storedAt).padStart(15, '0')}!${id}`
}

export class MessengerStore {
  private readonly keys: Sub<Uint8Array>
  private readonly contactsDb: Sub<Contact>
  private readonly messagesDb: Sub<StoredMessage>
  /** message id -> message key, to update a delivery state */
  private readonly messageIndex: Sub<string>
  private readonly addedSinceTrim = new Map<string, number>()

  constructor (db: Db) {
    this.keys = db.sublevel<string, Uint8Array>('keys', { valueEncoding: 'view' })
    this.contactsDb = db.sublevel<string, Contact>('contacts', { valueEncoding: 'json' })
    this.messagesDb = db.sublevel<string, StoredMessage>('messages', { valueEncoding: 'json' })
    this.messageIndex = db.sublevel<string, string>('message-index', { valueEncoding: 'utf8' })
  }

  async loadIdentity (): Promise<LocalIdentity | undefined> {
    const bytes = await this.keys.get(IDENTITY_KEY)
    return bytes == null ? undefined : decodeIdentity(bytes)
  }

  async saveIdentity (identity: LocalIdentity): Promise<void> {
    await this.keys.put(IDENTITY_KEY, encodeIdentity(identity), DURABLE)
  }

  async loadSessions (): Promise<SessionManagerRecord | undefined> {
    const bytes = await this.keys.get(SESSIONS_KEY)
    return bytes == null ? undefined : SessionManagerRecord.decode(bytes)
  }

  async saveSessions (record: SessionManagerRecord): Promise<void> {
    await this.keys.put(SESSIONS_KEY, SessionManagerRecord.encode(record), DURABLE)
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

  /** Stores a message; false when a message with this id was stored before (a duplicate) */
  async addMessage (message: StoredMessage): Promise<boolean> {
    if ((await this.messageIndex.get(message.id)) != null) {
      return false
    }
    const key = messageKey(message.peer, message.storedAt, message.id)
    await this.messagesDb.batch()
      .put(key, message)
      .put(message.id, key, { sublevel: this.messageIndex })
      .write()
    await this.trim(message.peer)
    return true
  }

  async setState (id: string, state: DeliveryState): Promise<StoredMessage | undefined> {
    const key = await this.messageIndex.get(id)
    if (key == null) {
      return undefined
    }
    const message = await this.messagesDb.get(key)
    if (message == null) {
      return undefined
    }
    message.state = state
    await this.messagesDb.put(key, message)
    return message
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
    const batch = this.messagesDb.batch()
    for (const key of newestFirst.slice(MAX_HISTORY_PER_CONTACT)) {
      batch.del(key)
      batch.del(key.split('!')[2], { sublevel: this.messageIndex })
    }
    await batch.write()
  }
}
