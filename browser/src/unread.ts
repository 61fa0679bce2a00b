/**
 * Unread counts. A conversation keeps a last-read marker: the `storedAt` (this
 * device's clock) of the newest message the user has seen. Incoming messages
 * stored after it are unread.
 */

export interface UnreadCountable {
  direction: 'in' | 'out'
  storedAt: number
}

/** Incoming messages stored after `lastRead` (0 or absent: never read) */
export function countUnread (messages: readonly UnreadCountable[], lastRead: number | undefined): number {
  const marker = lastRead ?? 0
  let unread = 0
  for (const message of messages) {
    if (message.direction === 'in' && message.storedAt > marker) { unread++ }
  }
  return unread
}

/** The marker after reading `messages`: the newest `storedAt`, never moving back */
export function readMarker (messages: readonly UnreadCountable[], lastRead: number | undefined): number {
  let marker = lastRead ?? 0
  for (const message of messages) {
    if (message.storedAt > marker) { marker = message.storedAt }
  }
  return marker
}
