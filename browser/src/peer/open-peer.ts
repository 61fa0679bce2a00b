/**
 * The networking half of the app, in its own chunk: the libp2p node, the
 * Messenger over it, and the steps to reach the mesh. The app shell loads it
 * (a dynamic `import()`) once the device has an identity: at start for a
 * returning user, after sign-up for a new one. Onboarding never waits for it.
 */

import { Messenger, libp2pMailboxes, saveIdentity } from '@hypha/core'
import { createBrowserNode } from './browser-node.ts'
import { directPresence } from './direct.ts'
import type { BrowserNode } from './browser-node.ts'
import type { DirectPresence } from './direct.ts'
import type { AtRest } from '@hypha/core'
import type { Level } from 'level'

export { dialBootstrap, waitForDht, waitForMailboxes, waitForReservation } from './bootstrap.ts'
export { saveIdentity }

export interface OpenPeerInit {
  db: Level<string, any>
  atRest: AtRest
  allowLoopback: boolean
  iceServers: RTCIceServer[]
  /** The rendezvous points now (the bootstrap nodes' peer ids) */
  points(): string[]
  /** Diagnostics (never keys or plaintext) */
  log(message: string): void
}

export interface OpenPeer {
  node: BrowserNode
  messenger: Messenger
  direct: DirectPresence
}

/**
 * Starts the tab's libp2p node and opens the Messenger of the identity in
 * `db` over it, with rendezvous presence (ending on direct WebRTC
 * connections) and the mailboxes of the connected bootstrap nodes. Nothing
 * is dialed yet.
 */
export async function openPeer (init: OpenPeerInit): Promise<OpenPeer> {
  const node = await createBrowserNode({ allowLoopback: init.allowLoopback, iceServers: init.iceServers })
  const direct = directPresence(node, { points: init.points, log: init.log })
  try {
    const messenger = await Messenger.open({
      db: init.db,
      mesh: node.services,
      atRest: init.atRest,
      presence: direct.presence,
      mailboxes: libp2pMailboxes(node, node.services.mailbox),
      log: init.log
    })
    return { node, messenger, direct }
  } catch (err) {
    direct.close()
    await node.stop()
    throw err
  }
}
