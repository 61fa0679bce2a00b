/**
 * The mailbox side of a libp2p node, as the Messenger wants it: the client
 * service, the connected nodes that run the mailbox service (identify lists
 * their protocols), and peer ids from the bytes a mailbox list holds.
 */

import { peerIdFromMultihash } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { MAILBOX_PROTOCOL } from '../protocol/constants.ts'
import type { MessengerMailboxes } from '../messenger.ts'
import type { MailboxClient } from './mailbox/index.ts'
import type { Connection, PeerId, PeerStore } from '@libp2p/interface'

export interface MailboxNode {
  getConnections(): Connection[]
  peerStore: Pick<PeerStore, 'get'>
}

/** MessengerMailboxes over a libp2p node that has a mailbox client */
export function libp2pMailboxes (node: MailboxNode, client: MailboxClient): MessengerMailboxes {
  return {
    client,
    async candidates (): Promise<PeerId[]> {
      const peers = new Map<string, PeerId>()
      for (const connection of node.getConnections()) {
        // a relayed (limited) connection is no way to a mailbox
        if (connection.status !== 'open' || connection.limits != null) { continue }
        peers.set(connection.remotePeer.toString(), connection.remotePeer)
      }
      const runs = await Promise.all([...peers.values()].map(async peer => {
        try {
          return (await node.peerStore.get(peer)).protocols.includes(MAILBOX_PROTOCOL)
        } catch {
          return false
        }
      }))
      return [...peers.values()].filter((_, i) => runs[i])
    },
    peerId (bytes: Uint8Array): PeerId {
      return peerIdFromMultihash(Digest.decode(bytes))
    }
  }
}
