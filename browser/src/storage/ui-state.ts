/**
 * What the app keeps besides the Messenger's own records, in a sublevel of
 * the same database: a last-read marker per conversation, and the people who
 * wrote without being contacts (so their conversations are listed too).
 * Nothing secret: user ids and times.
 */

import type { Level } from 'level'

/** Conversations with people who are not contacts that are remembered; the oldest go first */
export const MAX_STRANGER_CONVERSATIONS = 200

const READ_PREFIX = 'read!'
const STRANGER_PREFIX = 'stranger!'

/** What is used of the `ui` sublevel */
interface UiDb {
  get(key: string): Promise<number | undefined>
  put(key: string, value: number): Promise<void>
  del(key: string): Promise<void>
  iterator(options: { gt: string, lt: string, limit?: number }): AsyncIterable<[string, number]>
}

export class UiState {
  private readonly db: UiDb

  constructor (root: Level<string, any>) {
    this.db = root.sublevel<string, number>('ui', { valueEncoding: 'json' })
  }

  async lastRead (userId: string): Promise<number | undefined> {
    return this.db.get(READ_PREFIX + userId)
  }

  async lastReadAll (): Promise<Map<string, number>> {
    const markers = new Map<string, number>()
    for await (const [key, value] of this.db.iterator({ gt: READ_PREFIX, lt: READ_PREFIX + '\uffff' })) {
      markers.set(key.slice(READ_PREFIX.length), value)
    }
    return markers
  }

  async setLastRead (userId: string, storedAt: number): Promise<void> {
    await this.db.put(READ_PREFIX + userId, storedAt)
  }

  /** User ids of people who wrote without being contacts, with when they first did */
  async strangers (): Promise<Map<string, number>> {
    const found = new Map<string, number>()
    for await (const [key, value] of this.db.iterator({ gt: STRANGER_PREFIX, lt: STRANGER_PREFIX + '\uffff', limit: MAX_STRANGER_CONVERSATIONS })) {
      found.set(key.slice(STRANGER_PREFIX.length), value)
    }
    return found
  }

  async addStranger (userId: string, at: number): Promise<void> {
    // one lookup for the usual case, someone already known; the scan only to make room
    if ((await this.db.get(STRANGER_PREFIX + userId)) != null) { return }
    const known = await this.strangers()
    if (known.size >= MAX_STRANGER_CONVERSATIONS) {
      const oldest = [...known].sort((a, b) => a[1] - b[1])[0]
      await this.db.del(STRANGER_PREFIX + oldest[0])
    }
    await this.db.put(STRANGER_PREFIX + userId, at)
  }

  async removeStranger (userId: string): Promise<void> {
    await this.db.del(STRANGER_PREFIX + userId)
  }
}
