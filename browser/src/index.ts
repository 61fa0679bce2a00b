/**
 * @packageDocumentation
 *
 * `@hypha/browser` is Hypha in a web page: a full peer of the mesh in a
 * static app (lit + vite, a PWA, storage in IndexedDB). `npm run build`
 * writes the app to `dist/app` (see README.md); this entry point exports the
 * pure pieces the app is built on, for tests and tools: invite links (a user
 * id in the URL fragment, which the hosting server never sees) and channel
 * links (core's channel invite, also in the fragment), the checks of
 * `config.json` and of bootstrap addresses, and how a connection's transport
 * is named in the connection panel.
 *
 * @example
 *
 * ```ts
 * import { inviteLink, parseInviteHash, parseConfig, transportOf } from '@hypha/browser'
 *
 * const link = inviteLink('https://hypha.example/', 'did:key:z6MkhaXgBZD')
 * // 'https://hypha.example/#/add/did%3Akey%3Az6MkhaXgBZD'
 *
 * parseInviteHash(new URL(link).hash) // 'did:key:z6MkhaXgBZD'
 * parseInviteHash('#/settings') // undefined
 *
 * parseConfig({ bootstrap: ['/dns4/boot.example/tcp/443/wss/p2p/12D3KooW...'] })
 * transportOf('/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3KooW.../p2p-circuit/webrtc/p2p/12D3KooW...') // 'webrtc'
 * ```
 */

export {
  inviteLink, parseInviteHash, INVITE_HASH_PREFIX, MAX_INVITE_USER_ID_LENGTH,
  parseChannelHash, CHANNEL_HASH_PREFIX, MAX_CHANNEL_PAYLOAD_LENGTH
} from './invite.ts'
export { channelLink, shortUserId, senderName } from './group-input.ts'
export {
  parseConfig, parseBootstrapText, checkBootstrapAddress, effectiveConfig, bootstrapPeerIds,
  MAX_BOOTSTRAP_ADDRESSES, MAX_ICE_SERVERS, MAX_CONFIG_BYTES
} from './config.ts'
export type { AppConfig, BootstrapListProblem } from './config.ts'
export { transportOf, peerKindOf } from './transport.ts'
export type { TransportKind, PeerKind } from './transport.ts'
export { parseContactInput, parseMemberList, MAX_PASTED_MEMBERS } from './contact-input.ts'
export { countUnread, readMarker } from './unread.ts'
export { shownState, deliveryLabel } from './delivery.ts'
export * from './errors.ts'
