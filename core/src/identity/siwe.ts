/**
 * Wallet accounts: an Ethereum wallet authorizes a device list once, by an
 * EIP-191 `personal_sign` of an EIP-4361 (Sign-In with Ethereum) message. No
 * wallet signature per message.
 *
 * The message text is never parsed: the verifier renders it again from the
 * proof's fields (PROTOCOL.md "Wallet authorization" gives the template) and
 * recovers the signer from the signature over that exact text. Checked against
 * ethers' `verifyMessage` in the tests.
 */

import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { keccak_256 as keccak256 } from '@noble/hashes/sha3.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { InvalidSignatureError, InvalidSiweMessageError } from '../errors.ts'
import { MAX_SIWE_MESSAGE_LENGTH, SIWE_CHAIN_ID } from '../protocol/constants.ts'
import { hex } from '../utils/bytes.ts'
import { checksumAddress } from './did.ts'

/** Fields of the EIP-4361 message other than the address and the device list digest */
export interface SiweFields {
  /** RFC 3986 authority of the app asking (the origin's host), e.g. `app.hypha.chat` */
  domain: string
  /** RFC 3986 URI of the app, e.g. `https://app.hypha.chat/` */
  uri: string
  /** EIP-155 chain id; Hypha accepts only 1 (Ethereum mainnet) */
  chainId: number
  /** At least 8 alphanumeric characters, random */
  nonce: string
  /** RFC 3339 date-time, e.g. `2026-11-22T20:00:00.000Z` */
  issuedAt: string
}

export interface SiweProofFields extends SiweFields {
  /** 65 bytes: r (32) || s (32) || v (27 or 28) */
  signature: Uint8Array
}

const DOMAIN = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/
const NONCE = /^[A-Za-z0-9]{8,64}$/
const ISSUED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/

/** The resource URN naming the exact device list bytes being authorized */
export function deviceListResource (listBytes: Uint8Array): string {
  return `urn:hypha:device-list:sha256:${hex(sha256(listBytes))}`
}

/**
 * The EIP-4361 text a wallet signs to authorize `listBytes` (an encoded
 * DeviceList at `version`) for `address`. Throws InvalidSiweMessageError for
 * fields that would break the format (newlines, bad nonce...).
 */
export function renderSiweMessage (address: string, version: number, listBytes: Uint8Array, fields: SiweFields): string {
  if (!DOMAIN.test(fields.domain) || fields.domain.length > 253) { throw new InvalidSiweMessageError('SIWE domain must be a host name with an optional port') }
  if (!URI.test(fields.uri) || fields.uri.length > 512) { throw new InvalidSiweMessageError('SIWE uri must be an absolute URI without spaces') }
  if (!NONCE.test(fields.nonce)) { throw new InvalidSiweMessageError('SIWE nonce must be 8 to 64 letters and digits') }
  if (!ISSUED_AT.test(fields.issuedAt)) { throw new InvalidSiweMessageError('SIWE issuedAt must be an RFC 3339 date-time') }
  if (!Number.isSafeInteger(fields.chainId) || fields.chainId < 1) { throw new InvalidSiweMessageError('SIWE chain id must be a positive integer') }
  const message = [
    `${fields.domain} wants you to sign in with your Ethereum account:`,
    checksumAddress(address),
    '',
    `Authorize Hypha device list version ${version} to send and receive end-to-end encrypted messages for this account.`,
    '',
    `URI: ${fields.uri}`,
    'Version: 1',
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${fields.issuedAt}`,
    'Resources:',
    `- ${deviceListResource(listBytes)}`
  ].join('\n')
  if (message.length > MAX_SIWE_MESSAGE_LENGTH) { throw new InvalidSiweMessageError('SIWE message too long') }
  return message
}

/** EIP-191 version 0x45 digest: keccak256("\x19Ethereum Signed Message:\n" + length + message) */
export function personalMessageHash (message: string): Uint8Array {
  const body = utf8ToBytes(message)
  const prefix = utf8ToBytes(`\x19Ethereum Signed Message:\n${body.length}`)
  const all = new Uint8Array(prefix.length + body.length)
  all.set(prefix)
  all.set(body, prefix.length)
  return keccak256(all)
}

/** The checksummed address that produced a 65-byte personal_sign signature over `message` */
export function recoverPersonalSigner (message: string, signature: Uint8Array): string {
  if (!(signature instanceof Uint8Array) || signature.length !== 65) {
    throw new InvalidSignatureError(`expected a 65-byte Ethereum signature, got length=${signature?.length}`)
  }
  const v = signature[64]
  const recovery = v >= 27 ? v - 27 : v
  if (recovery !== 0 && recovery !== 1) { throw new InvalidSignatureError(`invalid Ethereum signature v=${v}`) }
  const hash = personalMessageHash(message)
  const compact = signature.subarray(0, 64)
  try {
    const recovered = new Uint8Array(65)
    recovered[0] = recovery
    recovered.set(compact, 1)
    const publicKey = secp256k1.recoverPublicKey(recovered, hash, { prehash: false })
    // reject high-S (malleable) signatures, as Ethereum does since Homestead
    if (!secp256k1.verify(compact, hash, publicKey, { prehash: false, lowS: true })) { throw new Error('high S') }
    const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false)
    return checksumAddress('0x' + hex(keccak256(uncompressed.subarray(1)).subarray(12)))
  } catch {
    throw new InvalidSignatureError('Ethereum signature does not recover to a public key')
  }
}

/**
 * Checks that `proof` is `address`'s wallet authorizing exactly `listBytes`
 * at `version` on chain 1. Throws InvalidSiweMessageError (wrong chain, bad
 * fields) or InvalidSignatureError (another signer, altered text).
 */
export function verifySiweProof (address: string, version: number, listBytes: Uint8Array, proof: SiweProofFields): void {
  if (proof.chainId !== SIWE_CHAIN_ID) {
    throw new InvalidSiweMessageError(`SIWE message is for chain ${proof.chainId}, expected ${SIWE_CHAIN_ID} (Ethereum mainnet)`)
  }
  const message = renderSiweMessage(address, version, listBytes, proof)
  const signer = recoverPersonalSigner(message, proof.signature)
  if (signer !== checksumAddress(address)) {
    throw new InvalidSignatureError(`SIWE message was signed by ${signer}, not ${checksumAddress(address)}`)
  }
}

/** A random SIWE nonce (EIP-4361 asks for at least 8 alphanumeric characters) */
export function siweNonce (random: (length: number) => Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  // 248 = 4 * 62: rejection sampling keeps the characters uniform
  let out = ''
  while (out.length < 16) {
    for (const b of random(16)) {
      if (b < 248 && out.length < 16) { out += alphabet[b % 62] }
    }
  }
  return out
}
