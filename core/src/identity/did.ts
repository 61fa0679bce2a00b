/**
 * User ids. Two kinds (PROTOCOL.md "User ids"):
 *
 * - `did:key:z6Mk...`: an Ed25519 account key, multicodec `ed25519-pub` (0xed 0x01)
 * then the 32-byte key, base58btc with the multibase prefix `z`;
 * - `did:pkh:eip155:1:0x...`: an Ethereum account (CAIP-10) with the EIP-55
 * checksummed address.
 */

import { keccak_256 as keccak256 } from '@noble/hashes/sha3.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { base58btc } from 'multiformats/bases/base58'
import { fromString } from 'uint8arrays/from-string'
import { toString } from 'uint8arrays/to-string'
import { assertBytes } from '../crypto/primitives/checks.ts'
import { InvalidUserIdError } from '../errors.ts'
import { MAX_USER_ID_LENGTH, PUBLIC_KEY_LENGTH, SIWE_CHAIN_ID } from '../protocol/constants.ts'

const ED25519_MULTICODEC = Uint8Array.of(0xed, 0x01)
const DID_KEY_PREFIX = 'did:key:'
const DID_PKH_PREFIX = `did:pkh:eip155:${SIWE_CHAIN_ID}:`

export type ParsedUserId =
  | { kind: 'key', userId: string, publicKey: Uint8Array }
  | { kind: 'pkh', userId: string, address: string }

export function didKeyFromPublicKey (publicKey: Uint8Array): string {
  assertBytes(publicKey, PUBLIC_KEY_LENGTH, 'Ed25519 public key')
  const bytes = new Uint8Array(2 + PUBLIC_KEY_LENGTH)
  bytes.set(ED25519_MULTICODEC)
  bytes.set(publicKey, 2)
  return DID_KEY_PREFIX + base58btc.encode(bytes)
}

/** EIP-55 mixed-case checksum of a 20-byte address given as hex (any case) */
export function checksumAddress (address: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new InvalidUserIdError(`not an Ethereum address: ${JSON.stringify(address.slice(0, 50))}`)
  }
  const lower = address.slice(2).toLowerCase()
  const hash = toString(keccak256(utf8ToBytes(lower)), 'base16')
  let out = '0x'
  for (let i = 0; i < 40; i++) {
    out += parseInt(hash[i], 16) >= 8 ? lower[i].toUpperCase() : lower[i]
  }
  return out
}

export function didPkhFromAddress (address: string): string {
  return DID_PKH_PREFIX + checksumAddress(address)
}

/** The 20 address bytes of a checksummed address */
export function addressBytes (address: string): Uint8Array {
  return fromString(checksumAddress(address).slice(2).toLowerCase(), 'base16')
}

/**
 * Parses and checks a user id. A did:pkh must carry the exact EIP-55 checksum
 * (so one account has one spelling); anything else is InvalidUserIdError.
 */
export function parseUserId (userId: string): ParsedUserId {
  if (typeof userId !== 'string' || userId.length > MAX_USER_ID_LENGTH) {
    throw new InvalidUserIdError('user id must be a string of at most ' + MAX_USER_ID_LENGTH + ' characters')
  }
  if (userId.startsWith(DID_KEY_PREFIX)) {
    let bytes: Uint8Array
    try {
      bytes = base58btc.decode(userId.slice(DID_KEY_PREFIX.length))
    } catch {
      throw new InvalidUserIdError('did:key is not base58btc multibase')
    }
    if (bytes.length !== 2 + PUBLIC_KEY_LENGTH || bytes[0] !== ED25519_MULTICODEC[0] || bytes[1] !== ED25519_MULTICODEC[1]) {
      throw new InvalidUserIdError('did:key is not an Ed25519 public key (multicodec 0xed01, 32 bytes)')
    }
    return { kind: 'key', userId, publicKey: bytes.slice(2) }
  }
  if (userId.startsWith('did:pkh:')) {
    if (!userId.startsWith(DID_PKH_PREFIX)) {
      throw new InvalidUserIdError(`did:pkh must be on ${DID_PKH_PREFIX.slice(8, -1)} (Ethereum mainnet)`)
    }
    const address = userId.slice(DID_PKH_PREFIX.length)
    if (checksumAddress(address) !== address) {
      throw new InvalidUserIdError('did:pkh address is not in EIP-55 checksum form')
    }
    return { kind: 'pkh', userId, address }
  }
  throw new InvalidUserIdError('user id must start with did:key: or did:pkh:')
}
