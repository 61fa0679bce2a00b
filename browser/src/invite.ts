/** The hash route that adds a contact: `#/add/<user id, URI-encoded>` */
export const INVITE_HASH_PREFIX = '#/add/'

/**
 * Longest user id an invite carries. A `did:pkh:eip155:1:0x...` id is 59
 * characters and an Ed25519 `did:key:z6Mk...` 56; the margin leaves room for
 * other key types without letting a link smuggle in arbitrary amounts of text.
 */
export const MAX_INVITE_USER_ID_LENGTH = 256

/**
 * A link that opens the app and offers to add `userId` as a contact.
 *
 * The user id travels in the fragment, so it is never sent to the server that
 * hosts the app. Any fragment already on `baseUrl` is replaced.
 *
 * @throws {TypeError} when `userId` is empty
 * @throws {RangeError} when `userId` is longer than MAX_INVITE_USER_ID_LENGTH
 */
export function inviteLink (baseUrl: string, userId: string): string {
  checkUserId(userId)
  const hashAt = baseUrl.indexOf('#')
  const base = hashAt === -1 ? baseUrl : baseUrl.slice(0, hashAt)

  return `${base}${INVITE_HASH_PREFIX}${encodeURIComponent(userId)}`
}

/**
 * The user id in an invite hash (`location.hash`), or `undefined` when the
 * hash is not an invite: another route, an empty id, an id with an unencoded
 * `/`, broken percent-encoding, whitespace or control characters, or an id
 * longer than MAX_INVITE_USER_ID_LENGTH.
 */
export function parseInviteHash (hash: string): string | undefined {
  if (typeof hash !== 'string' || !hash.startsWith(INVITE_HASH_PREFIX)) {
    return undefined
  }

  const encoded = hash.slice(INVITE_HASH_PREFIX.length)

  if (encoded === '' || encoded.includes('/')) {
    return undefined
  }

  let userId: string

  try {
    userId = decodeURIComponent(encoded)
  } catch {
    return undefined
  }

  // eslint-disable-next-line no-control-regex
  if (userId.length > MAX_INVITE_USER_ID_LENGTH || /[\s\u0000-\u001f\u007f]/.test(userId)) {
    return undefined
  }

  return userId
}

function checkUserId (userId: string): void {
  if (typeof userId !== 'string' || userId === '') {
    throw new TypeError('user id must be a non-empty string')
  }

  if (userId.length > MAX_INVITE_USER_ID_LENGTH) {
    throw new RangeError(`user id must be at most ${MAX_INVITE_USER_ID_LENGTH} characters, got ${userId.length}`)
  }
}

/** The hash route that joins a channel: `#/channel/<payload>`, the payload of core's `hypha://channel/<payload>` invite */
export const CHANNEL_HASH_PREFIX = '#/channel/'

/**
 * Longest channel invite payload accepted (base64url). It carries the
 * channel's id, name, owner and key: well under 1 KB; the margin leaves room
 * without letting a link carry arbitrary amounts of text.
 */
export const MAX_CHANNEL_PAYLOAD_LENGTH = 4096

const PAYLOAD = /^[A-Za-z0-9_-]+$/

/**
 * The payload of a channel route (`location.hash`), or `undefined` when the
 * hash is not one: another route, an empty payload, a character outside
 * base64url, or a payload longer than MAX_CHANNEL_PAYLOAD_LENGTH. Whether the
 * payload is a valid invite is core's to say (`Messenger.joinChannel`).
 */
export function parseChannelHash (hash: string): string | undefined {
  if (typeof hash !== 'string' || !hash.startsWith(CHANNEL_HASH_PREFIX)) {
    return undefined
  }
  const payload = hash.slice(CHANNEL_HASH_PREFIX.length)
  return payload.length <= MAX_CHANNEL_PAYLOAD_LENGTH && PAYLOAD.test(payload) ? payload : undefined
}
