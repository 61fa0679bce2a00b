/**
 * What the user typed to add a contact: a user id, or an invite link (a full
 * URL or just its `#/add/...` fragment); and the members typed or pasted when
 * a group is made or grows (any mix of those, spaces, commas or new lines
 * between them).
 */

import { parseUserId } from '@hypha/core'
import { InvalidContactInputError } from './errors.ts'
import { INVITE_HASH_PREFIX, MAX_INVITE_USER_ID_LENGTH, parseInviteHash } from './invite.ts'

/** Longest text accepted in the add-contact field (an invite link with a long host and path) */
export const MAX_CONTACT_INPUT_LENGTH = 4096

/**
 * The user id in `text`.
 *
 * @throws {InvalidContactInputError} when it is neither a valid user id nor an invite link carrying one
 */
export function parseContactInput (text: string): string {
  const input = String(text).trim()
  if (input === '') {
    throw new InvalidContactInputError('enter a user id or an invite link')
  }
  if (input.length > MAX_CONTACT_INPUT_LENGTH) {
    throw new InvalidContactInputError(`at most ${MAX_CONTACT_INPUT_LENGTH} characters`)
  }
  let candidate = input
  const hashAt = input.indexOf('#')
  if (hashAt !== -1) {
    const hash = input.slice(hashAt)
    if (!hash.startsWith(INVITE_HASH_PREFIX)) {
      throw new InvalidContactInputError('this link is not a Hypha invite (no #/add/ in it)')
    }
    const fromLink = parseInviteHash(hash)
    if (fromLink == null) {
      throw new InvalidContactInputError('this invite link is damaged')
    }
    candidate = fromLink
  }
  if (candidate.length > MAX_INVITE_USER_ID_LENGTH) {
    throw new InvalidContactInputError('not a user id: too long')
  }
  try {
    return parseUserId(candidate).userId
  } catch (err: any) {
    throw new InvalidContactInputError(`not a user id: ${err.message}`)
  }
}

/** Members one paste may name (a group's own size limit is core's to enforce) */
export const MAX_PASTED_MEMBERS = 64

/** Characters of a rejected entry quoted back in the error */
const QUOTED_LENGTH = 40

/**
 * The distinct user ids in `text`, in order.
 *
 * @throws {InvalidContactInputError} naming the first entry that is neither a user id nor an invite link
 * @throws {RangeError} over MAX_PASTED_MEMBERS ids
 */
export function parseMemberList (text: string): string[] {
  const ids: string[] = []
  for (const entry of String(text).split(/[\s,;]+/)) {
    if (entry === '') { continue }
    let userId: string
    try {
      userId = parseContactInput(entry)
    } catch (err: any) {
      const quoted = entry.length > QUOTED_LENGTH ? `${entry.slice(0, QUOTED_LENGTH)}…` : entry
      throw new InvalidContactInputError(`${quoted}: ${err.message}`)
    }
    if (!ids.includes(userId)) { ids.push(userId) }
  }
  if (ids.length > MAX_PASTED_MEMBERS) {
    throw new RangeError(`at most ${MAX_PASTED_MEMBERS} members at once, got ${ids.length}`)
  }
  return ids
}
