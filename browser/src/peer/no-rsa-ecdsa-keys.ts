/**
 * Stands in for @libp2p/crypto's RSA, ECDSA and secp256k1 libp2p key code in
 * the app bundle (the vite config swaps it in for the imports of
 * `keys/index.js`): DER and PKCS#1/PKIX parsing and the key classes, about
 * 5 KB gzipped that a returning user's tab would load before its first
 * message. (Wallets' secp256k1 signatures are core's, with @noble/curves:
 * untouched.)
 *
 * Every Hypha node (bootstrap, relay, CLI peer, tab) has an Ed25519 peer id,
 * and a tab never creates other libp2p keys. A peer with such a key cannot be
 * reached from the tab: each function here throws UnsupportedKeyTypeError,
 * the OIDs are values no DER structure holds and the key lengths are ones no
 * key has, so no key matches them.
 */

import { UnsupportedKeyTypeError } from '@libp2p/interface'

function unsupported (): never {
  throw new UnsupportedKeyTypeError('RSA and ECDSA keys are not supported in the Hypha tab (Hypha peers use Ed25519)')
}

export const RSAES_PKCS1_V1_5_OID = '\0hypha-unsupported-rsa'
export const ECDSA_P_256_OID = '\0hypha-unsupported-p256'
export const ECDSA_P_384_OID = '\0hypha-unsupported-p384'
export const ECDSA_P_521_OID = '\0hypha-unsupported-p521'

/** secp256k1 key lengths: none */
export const privateKeyLength = -1
export const publicKeyLength = -1

export const decodeDer = unsupported
export const pkcs1ToRSAPrivateKey = unsupported
export const pkixToRSAPublicKey = unsupported
export const generateRSAKeyPair = unsupported
export const pkcs1MessageToRSAPrivateKey = unsupported
export const pkixMessageToRSAPublicKey = unsupported
export const jwkToRSAPrivateKey = unsupported
export const generateECDSAKeyPair = unsupported
export const pkiMessageToECDSAPrivateKey = unsupported
export const pkiMessageToECDSAPublicKey = unsupported
export const unmarshalECDSAPrivateKey = unsupported
export const unmarshalECDSAPublicKey = unsupported
export const generateSecp256k1KeyPair = unsupported
export const unmarshalSecp256k1PrivateKey = unsupported
export const unmarshalSecp256k1PublicKey = unsupported

export class ECDSAPrivateKey {
  constructor () {
    unsupported()
  }
}
