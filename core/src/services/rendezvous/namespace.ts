import { sha256 } from '@noble/hashes/sha2.js'
import { hex } from '../../utils/bytes.ts'
import { MAX_NAMESPACE_LENGTH, USER_NAMESPACE_HASH_LENGTH, USER_NAMESPACE_PREFIX } from './constants.ts'

/**
 * The rendezvous namespace a user's devices register in:
 * `'hypha/' + hex(sha256(utf8(userId))).slice(0, 32)`.
 *
 * Contacts, who know the user id, compute it and DISCOVER the user's current
 * addresses; the rendezvous point and anyone listing namespaces see only a
 * hash, so the user id is not published next to the PeerIds. (Whoever already
 * has a candidate user id can test it: this hides the id, it does not make
 * it secret.) 128 bits of the hash keep namespaces short and collisions out
 * of reach.
 */
export function rendezvousNamespace (userId: string): string {
  if (typeof userId !== 'string' || userId.length === 0) {
    throw new TypeError('expected a non-empty user id string')
  }
  return USER_NAMESPACE_PREFIX + hex(sha256(new TextEncoder().encode(userId))).slice(0, USER_NAMESPACE_HASH_LENGTH)
}

/** UTF-8 length of a namespace, the unit of MAX_NAMESPACE_LENGTH */
export function namespaceLength (ns: string): number {
  return new TextEncoder().encode(ns).byteLength
}

/** Throws RangeError unless `ns` is a namespace a peer may register in (1 to MAX_NAMESPACE_LENGTH UTF-8 bytes) */
export function checkNamespace (ns: string, allowEmpty = false): void {
  if (typeof ns !== 'string') {
    throw new TypeError(`expected a namespace string, got ${typeof ns}`)
  }
  const length = namespaceLength(ns)
  if (length === 0 && !allowEmpty) {
    throw new RangeError('expected a non-empty namespace')
  }
  if (length > MAX_NAMESPACE_LENGTH) {
    throw new RangeError(`expected a namespace of at most ${MAX_NAMESPACE_LENGTH} bytes, got length=${length}`)
  }
}
