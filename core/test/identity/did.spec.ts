import { expect } from 'aegir/chai'
import { getAddress } from 'ethers'
import fc from 'fast-check'
import { checksumAddress, didKeyFromPublicKey, didPkhFromAddress, keyPairAccountFromSecret, parseUserId } from '../../src/index.ts'

const fromHex = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], b => parseInt(b, 16))
const toHex = (bytes: Uint8Array): string => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')

/**
 * base58btc written out here (Bitcoin alphabet, one '1' per leading zero
 * byte), so the did:key check does not go through the multiformats code the
 * implementation uses
 */
function base58 (bytes: Uint8Array): string {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
  let n = BigInt('0x' + (toHex(bytes) === '' ? '0' : toHex(bytes)))
  let out = ''
  while (n > 0n) {
    out = alphabet[Number(n % 58n)] + out
    n /= 58n
  }
  for (const b of bytes) {
    if (b !== 0) {
      break
    }
    out = '1' + out
  }
  return out
}

/** RFC 8032 section 7.1, TEST 1 */
const RFC8032_SECRET = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'
const RFC8032_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'
const RFC8032_DID = 'did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw'

/** EIP-55 "Test Cases" (all caps, all lower, normal) */
const EIP55_VECTORS = [
  '0x52908400098527886E0F7030069857D2E4169EE7',
  '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
  '0xde709f2102306220921060314715629080e2fb77',
  '0x27b1fdb04752bbc536007a920d24acb045561c26',
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb'
]

function rejectsUserId (userId: string): void {
  let error: any
  try {
    parseUserId(userId)
  } catch (err) {
    error = err
  }
  expect(error, `parseUserId(${JSON.stringify(userId)}) should throw`).to.exist()
  expect(error.name).to.equal('InvalidUserIdError', `parseUserId(${JSON.stringify(userId)})`)
}

describe('user ids', () => {
  describe('did:key', () => {
    it('encodes the RFC 8032 test 1 key as its known did:key', async () => {
      const publicKey = fromHex(RFC8032_PUBLIC)
      const independent = 'did:key:z' + base58(Uint8Array.of(0xed, 0x01, ...publicKey))
      expect(independent).to.equal(RFC8032_DID)
      expect(didKeyFromPublicKey(publicKey)).to.equal(RFC8032_DID)
      // and the account made from the RFC's secret key has that id
      const account = await keyPairAccountFromSecret(fromHex(RFC8032_SECRET))
      expect(toHex(account.keyPair.publicKey)).to.equal(RFC8032_PUBLIC)
      expect(account.userId).to.equal(RFC8032_DID)
    })

    it('starts with did:key:z6Mk and parses back to the same key', () => {
      fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), key => {
        const userId = didKeyFromPublicKey(key)
        expect(userId.startsWith('did:key:z6Mk')).to.be.true()
        const parsed = parseUserId(userId)
        expect(parsed.kind).to.equal('key')
        expect(parsed.userId).to.equal(userId)
        expect(parsed.kind === 'key' && toHex(parsed.publicKey)).to.equal(toHex(key))
        expect(userId).to.equal('did:key:z' + base58(Uint8Array.of(0xed, 0x01, ...key)))
      }), { numRuns: 200 })
    })

    it('refuses keys that are not 32 bytes', () => {
      expect(() => didKeyFromPublicKey(new Uint8Array(31))).to.throw(TypeError)
      expect(() => didKeyFromPublicKey(new Uint8Array(33))).to.throw(TypeError)
    })
  })

  describe('did:pkh', () => {
    it('checksums the EIP-55 test vectors', () => {
      for (const address of EIP55_VECTORS) {
        const checksummed = checksumAddress(address)
        expect(checksummed).to.equal(getAddress(address))
        expect(checksumAddress(address.toLowerCase())).to.equal(checksummed)
        expect(checksumAddress('0x' + address.slice(2).toUpperCase())).to.equal(checksummed)
      }
      for (const address of EIP55_VECTORS.slice(4)) {
        // the mixed-case vectors are already in checksum form
        expect(checksumAddress(address)).to.equal(address)
        const userId = didPkhFromAddress(address.toLowerCase())
        expect(userId).to.equal(`did:pkh:eip155:1:${address}`)
        expect(parseUserId(userId)).to.deep.equal({ kind: 'pkh', userId, address })
      }
    })

    it('agrees with ethers getAddress on random addresses', () => {
      fc.assert(fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), bytes => {
        const address = '0x' + toHex(bytes)
        expect(checksumAddress(address)).to.equal(getAddress(address))
        const userId = didPkhFromAddress(address)
        expect(parseUserId(userId)).to.deep.equal({ kind: 'pkh', userId, address: getAddress(address) })
      }), { numRuns: 300 })
    })

    it('refuses strings that are not addresses', () => {
      for (const address of ['', '0x', '5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd', '0xgaAeb6053F3E94C9b9A09f33669435E7Ef1BeAed']) {
        expect(() => checksumAddress(address)).to.throw().with.property('name', 'InvalidUserIdError')
      }
    })
  })

  describe('parseUserId rejects', () => {
    const address = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'

    it('a wrong prefix', () => {
      for (const userId of ['', 'did:web:example.com', 'DID:key:' + RFC8032_DID.slice(8), 'did:key' + RFC8032_DID.slice(8), 'did:pkh:' + address, 'key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw', ' ' + RFC8032_DID]) {
        rejectsUserId(userId)
      }
    })

    it('a did:pkh on another chain or namespace', () => {
      rejectsUserId(`did:pkh:eip155:5:${address}`)
      rejectsUserId(`did:pkh:eip155:11:${address}`)
      rejectsUserId(`did:pkh:eip155:137:${address}`)
      rejectsUserId(`did:pkh:solana:4sGjMW1sUnHzSxGspuhpqLDx6wiyjNtZ:${address}`)
    })

    it('an address without the exact EIP-55 checksum', () => {
      rejectsUserId(`did:pkh:eip155:1:${address.toLowerCase()}`)
      rejectsUserId(`did:pkh:eip155:1:0x${address.slice(2).toUpperCase()}`)
      // one letter's case flipped
      rejectsUserId(`did:pkh:eip155:1:${address.replace('a', 'A')}`)
      rejectsUserId(`did:pkh:eip155:1:${address.slice(0, -1)}`)
      rejectsUserId(`did:pkh:eip155:1:${address}0`)
      rejectsUserId('did:pkh:eip155:1:')
    })

    it('bad base58', () => {
      // 0, O, I and l are not in the base58btc alphabet
      rejectsUserId('did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMs0')
      rejectsUserId('did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsO')
      rejectsUserId('did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsl')
      rejectsUserId('did:key:z6Mk twupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw')
      // not multibase base58btc (no 'z', or base32's 'b')
      rejectsUserId('did:key:6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw')
      rejectsUserId('did:key:b6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw')
      rejectsUserId('did:key:')
      rejectsUserId('did:key:z')
    })

    it('a wrong multicodec or key length', () => {
      const key = fromHex(RFC8032_PUBLIC)
      // x25519-pub (0xec01), secp256k1-pub (0xe701, 33 bytes), p256-pub (0x1200, 33 bytes)
      rejectsUserId('did:key:z' + base58(Uint8Array.of(0xec, 0x01, ...key)))
      rejectsUserId('did:key:z' + base58(Uint8Array.of(0xe7, 0x01, 0x02, ...key)))
      rejectsUserId('did:key:z' + base58(Uint8Array.of(0x80, 0x24, 0x02, ...key)))
      // ed25519-pub with a key one byte short or long
      rejectsUserId('did:key:z' + base58(Uint8Array.of(0xed, 0x01, ...key.subarray(1))))
      rejectsUserId('did:key:z' + base58(Uint8Array.of(0xed, 0x01, ...key, 0)))
      // no multicodec at all
      rejectsUserId('did:key:z' + base58(key))
    })

    it('a user id over MAX_USER_ID_LENGTH characters', () => {
      rejectsUserId(RFC8032_DID + '1'.repeat(200))
      rejectsUserId('did:key:z' + 'a'.repeat(120))
      rejectsUserId(`did:pkh:eip155:1:${address}` + ' '.repeat(100))
    })

    it('values that are not strings', () => {
      rejectsUserId(undefined as any)
      rejectsUserId(42 as any)
    })
  })
})
