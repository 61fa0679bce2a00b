/**
 * What the group screens show: how a sender is named, and a channel's link.
 * Loaded with the group screens (src/invite.ts has what the app's start needs;
 * the members pasted for a group are read by src/contact-input.ts).
 */

import { CHANNEL_HASH_PREFIX, parseChannelHash } from './invite.ts'

/** The end of a user id, which tells users apart (their starts are alike: `did:key:z6Mk`) */
export function shortUserId (userId: string): string {
  return userId.length > 16 ? `…${userId.slice(-8)}` : userId
}

/** How a message's sender is shown: "You", the contact's alias, else the short user id */
export function senderName (from: string, me: string | undefined, aliases: ReadonlyMap<string, string>): string {
  if (from === me) { return 'You' }
  return aliases.get(from) ?? shortUserId(from)
}

/**
 * A link that opens the app on a channel's join screen, from core's invite
 * (`hypha://channel/<payload>`). The payload (which holds the channel key)
 * travels in the fragment, so the server hosting the app never sees it; the
 * `hypha` command line takes this link as it is.
 *
 * @throws {TypeError} when `invite` does not end in `/<payload>`
 */
export function channelLink (baseUrl: string, invite: string): string {
  const payload = parseChannelHash(CHANNEL_HASH_PREFIX + invite.slice(invite.lastIndexOf('/') + 1))
  if (payload == null) {
    throw new TypeError('not a channel invite: expected hypha://channel/<payload>')
  }
  const hashAt = baseUrl.indexOf('#')
  return `${hashAt === -1 ? baseUrl : baseUrl.slice(0, hashAt)}${CHANNEL_HASH_PREFIX}${payload}`
}
