/* eslint-disable no-console */
/**
 * XChaCha20-Poly1305 (noble directly and through aead.ts), HKDF-SHA256
 * (kdf.ts) and ML-KEM-768 (noble) against the Wycheproof vectors.
 */

import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ml_kem768 as mlKem768 } from '@noble/post-quantum/ml-kem.js'
import { expect } from 'aegir/chai'
import { concat } from 'uint8arrays/concat'
import { open, seal } from '../../src/crypto/aead.ts'
import { hkdfSha256 } from '../../src/crypto/kdf.ts'
import { hex, loadVectors, Tally, title, toHex } from './wycheproof.ts'
import type { WycheproofGroup, WycheproofTest } from './wycheproof.ts'

interface AeadTest extends WycheproofTest {
  key: string
  iv: string
  aad: string
  msg: string
  ct: string
  tag: string
}

interface AeadGroup extends WycheproofGroup<AeadTest> {
  ivSize: number
  keySize: number
  tagSize: number
}

interface HkdfTest extends WycheproofTest {
  ikm: string
  salt: string
  info: string
  size: number
  okm: string
}

interface HkdfGroup extends WycheproofGroup<HkdfTest> {
  keySize: number
}

interface MlKemTest extends WycheproofTest {
  /** d || z (64 bytes) for ML-KEM.KeyGen_internal; other lengths are invalid */
  seed: string
  /** encapsulation key expected from the seed (absent when the seed is invalid) */
  ek?: string
  /** ciphertext to decapsulate */
  c: string
  /** shared secret expected from Decaps (the implicit-rejection value for altered ciphertexts), empty when invalid */
  K: string
}

interface MlKemGroup extends WycheproofGroup<MlKemTest> {
  parameterSet: string
}

function errorName (fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err: any) {
    return err.name
  }
  return undefined
}

describe('Wycheproof xchacha20_poly1305_test.json', () => {
  const file = loadVectors<AeadGroup>('xchacha20_poly1305_test.json')

  describe('@noble/ciphers xchacha20poly1305', () => {
    const tally = new Tally()

    for (const group of file.testGroups) {
      for (const test of group.tests) {
        it(title(test), () => {
          const key = hex(test.key)
          const nonce = hex(test.iv)
          const aad = hex(test.aad)
          const sealed = concat([hex(test.ct), hex(test.tag)])
          if (test.result === 'valid') {
            expect(toHex(xchacha20poly1305(key, nonce, aad).encrypt(hex(test.msg)))).to.equal(test.ct + test.tag)
            expect(toHex(xchacha20poly1305(key, nonce, aad).decrypt(sealed))).to.equal(test.msg)
          } else {
            // a wrong nonce size throws on construction, a wrong tag on decrypt
            expect(() => xchacha20poly1305(key, nonce, aad).decrypt(sealed)).to.throw()
            tally.record(`invalid ${test.flags?.join(', ')}: rejected`)
          }
          tally.pass(test)
        })
      }
    }

    after(() => {
      console.log(`      xchacha20_poly1305_test.json (noble) passed: ${tally.toString()}`)
    })

    it('ran every vector', () => {
      expect(tally.total()).to.equal(file.numberOfTests)
    })
  })

  describe('aead.ts open() and seal() (24-byte nonce, 32-byte key)', () => {
    const tally = new Tally()
    const applicable = file.testGroups.flatMap(group => group.tests).filter(test => test.iv.length === 48 && test.key.length === 64)

    for (const test of applicable) {
      it(title(test), () => {
        const key = hex(test.key)
        const aad = hex(test.aad)
        const sealed = concat([hex(test.iv), hex(test.ct), hex(test.tag)])
        if (test.result === 'valid') {
          expect(toHex(open(key, sealed, aad))).to.equal(test.msg)
          // seal with the vector's nonce as the random source gives the vector's bytes
          const nonce = hex(test.iv)
          expect(toHex(seal(key, hex(test.msg), aad, () => nonce))).to.equal(test.iv + test.ct + test.tag)
        } else {
          expect(() => open(key, sealed, aad)).to.throw().with.property('name', 'DecryptionError')
        }
        tally.pass(test)
      })
    }

    after(() => {
      console.log(`      xchacha20_poly1305_test.json (aead.ts) passed: ${tally.toString()}; not applicable (nonce size other than 24): ${file.numberOfTests - applicable.length}`)
    })

    it('ran every applicable vector', () => {
      expect(tally.total()).to.equal(applicable.length)
      expect(applicable.length).to.be.greaterThan(0)
    })
  })
})

describe('Wycheproof hkdf_sha256_test.json: kdf.ts hkdfSha256', () => {
  const file = loadVectors<HkdfGroup>('hkdf_sha256_test.json')
  const tally = new Tally()

  for (const group of file.testGroups) {
    for (const test of group.tests) {
      it(title(test), () => {
        const ikm = hex(test.ikm)
        const salt = hex(test.salt)
        const info = hex(test.info)
        if (test.result === 'valid') {
          expect(toHex(hkdfSha256(ikm, salt, info, test.size))).to.equal(test.okm)
          if (salt.length === 0) {
            // RFC 5869: an absent salt is HashLen zero bytes, the same as an empty HMAC key
            expect(toHex(hkdfSha256(ikm, undefined, info, test.size))).to.equal(test.okm)
          }
        } else {
          // size > 255 * HashLen
          expect(test.size).to.be.greaterThan(255 * 32)
          expect(() => hkdfSha256(ikm, salt, info, test.size)).to.throw()
          tally.record(`invalid ${test.flags?.join(', ')}: throws`)
        }
        tally.pass(test)
      })
    }
  }

  after(() => {
    console.log(`      hkdf_sha256_test.json passed: ${tally.toString()}`)
  })

  it('ran every vector', () => {
    expect(tally.total()).to.equal(file.numberOfTests)
  })
})

describe('Wycheproof mlkem_768_test.json: @noble/post-quantum ml_kem768', () => {
  const file = loadVectors<MlKemGroup>('mlkem_768_test.json')
  const tally = new Tally()

  it('every group is ML-KEM-768', () => {
    for (const group of file.testGroups) { expect(group.parameterSet).to.equal('ML-KEM-768') }
  })

  for (const group of file.testGroups) {
    for (const test of group.tests) {
      it(title(test), () => {
        const seed = hex(test.seed)
        const cipherText = hex(test.c)

        if (test.result === 'valid') {
          expect(seed).to.have.length(64)
          const { publicKey, secretKey } = mlKem768.keygen(seed)
          expect(test.ek).to.be.a('string')
          expect(toHex(publicKey)).to.equal(test.ek)
          // K is the real shared secret, or the implicit-rejection value J(z || c)
          // for random and bit-flipped ciphertexts: noble must return exactly it
          expect(toHex(mlKem768.decapsulate(cipherText, secretKey))).to.equal(test.K)
          // and encapsulation to ek round-trips
          const encapsulated = mlKem768.encapsulate(publicKey)
          expect(mlKem768.decapsulate(encapsulated.cipherText, secretKey)).to.equalBytes(encapsulated.sharedSecret)
          tally.record(`valid ${test.comment ?? test.flags?.join(', ')}`.replace(/ \d+$/, ''))
        } else if (seed.length !== 64) {
          // "Private key too short/long": a seed of the wrong length cannot make a key
          expect(test.ek).to.equal(undefined)
          expect(errorName(() => mlKem768.keygen(seed))).to.be.a('string')
          tally.record(`invalid ${test.comment}: keygen throws`)
        } else {
          // "Ciphertext too short/long": the key is fine, decapsulation must refuse
          expect(cipherText.length).to.not.equal(1088)
          const { publicKey, secretKey } = mlKem768.keygen(seed)
          expect(toHex(publicKey)).to.equal(test.ek)
          expect(errorName(() => mlKem768.decapsulate(cipherText, secretKey))).to.be.a('string')
          tally.record(`invalid ${test.comment}: decapsulate throws`)
        }
        tally.pass(test)
      })
    }
  }

  after(() => {
    console.log(`      mlkem_768_test.json passed: ${tally.toString()}`)
  })

  it('ran every vector', () => {
    expect(tally.total()).to.equal(file.numberOfTests)
  })
})
