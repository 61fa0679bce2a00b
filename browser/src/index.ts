/**
 * @packageDocumentation
 *
 * `@hypha/browser` is Hypha in a web page: a full peer of the mesh in a static
 * app (lit + vite, a PWA, storage in IndexedDB). The app arrives with the
 * browser issue; this build has its invite links, which carry a user id in
 * the URL fragment so the hosting server never sees it.
 *
 * @example
 *
 * ```ts
 * import { inviteLink, parseInviteHash } from '@hypha/browser'
 *
 * const link = inviteLink('https://hypha.example/', 'did:key:z6MkhaXgBZD')
 * // 'https://hypha.example/#/add/did%3Akey%3Az6MkhaXgBZD'
 *
 * parseInviteHash(new URL(link).hash) // 'did:key:z6MkhaXgBZD'
 * parseInviteHash('#/settings') // undefined
 * ```
 */

export { inviteLink, parseInviteHash, INVITE_HASH_PREFIX, MAX_INVITE_USER_ID_LENGTH } from './invite.ts'
