/**
 * The libp2p key of a CLI peer, kept in its home between runs.
 *
 * A fresh PeerId per run would be the most private, but every `hypha send`
 * would then look like a new peer to the bootstrap nodes; gossipsub keeps the
 * score of departed peers with their IP address, and once more than a few
 * peers share an address (a NAT, or 127.0.0.1) the IP colocation penalty
 * prunes all of them from the mesh, the long-running `listen` included. So
 * the key is kept, and rotated after PEER_KEY_MAX_AGE: the PeerId is not the
 * user id and must not become a lasting pseudonym for it (DESIGN.md
 * "Identities").
 */

import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'

/** File name of the peer key (protobuf-encoded) inside a Hypha home */
export const PEER_KEY_FILE = 'peer-key'

/** A peer key older than this is replaced by a new one: one day */
export const PEER_KEY_MAX_AGE = 24 * 60 * 60 * 1000

/**
 * The home's peer key, or a new one when there is none, it is older than
 * `maxAge`, or it does not parse (it is no secret worth keeping: a new one
 * does just as well). The file is 0600, written then renamed into place.
 */
export async function loadPeerKey (home: string, maxAge = PEER_KEY_MAX_AGE, now = Date.now()): Promise<PrivateKey> {
  await mkdir(home, { recursive: true, mode: 0o700 })
  const file = join(home, PEER_KEY_FILE)

  try {
    const info = await stat(file)
    if (now - info.mtimeMs < maxAge) {
      return privateKeyFromProtobuf(await readFile(file))
    }
  } catch {
    // missing or unreadable: make a new one
  }

  const key = await generateKeyPair('Ed25519')
  const partial = `${file}.${process.pid}.tmp`
  await writeFile(partial, privateKeyToProtobuf(key), { mode: 0o600 })
  await rename(partial, file)
  return key
}
