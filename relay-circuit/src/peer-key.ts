import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'

/** File name of the node's libp2p key (protobuf-encoded) inside its data directory */
export const PEER_KEY_FILE = 'peer-key'

/**
 * Load the node's libp2p private key from `dir`, or create an Ed25519 key
 * there on first start, so the peer id (which peers and configs refer to)
 * survives restarts. The directory is made 0700 and the key file 0600:
 * whoever reads the key can impersonate the node.
 *
 * @throws {Error} when the directory cannot be created or the key file does not parse
 */
export async function loadPeerKey (dir: string): Promise<PrivateKey> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const file = join(dir, PEER_KEY_FILE)
  let bytes: Uint8Array | undefined

  try {
    bytes = await readFile(file)
  } catch (err: any) {
    if (err.code !== 'ENOENT') {
      throw err
    }
  }

  if (bytes != null) {
    try {
      return privateKeyFromProtobuf(bytes)
    } catch (err: any) {
      throw new Error(`${file} is not a libp2p private key: ${err.message}`)
    }
  }

  const key = await generateKeyPair('Ed25519')
  // write then rename, so a crash never leaves a truncated key behind
  const partial = `${file}.${process.pid}.tmp`
  await writeFile(partial, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' })
  await chmod(partial, 0o600)
  await rename(partial, file)
  return key
}
