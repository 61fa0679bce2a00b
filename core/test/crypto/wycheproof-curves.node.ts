/* eslint-disable no-console */
/**
 * Ed25519 and X25519 through both curve implementations (noble and WebCrypto)
 * against the Wycheproof vectors. The two must agree on every case, or a
 * message accepted by one peer is refused by another.
 */

import { expect } from 'aegir/chai'
import { nobleCurves, webCryptoCurves } from '../../src/crypto/primitives/index.ts'
import { hex, loadVectors, Tally, title, toHex } from './wycheproof.ts'
import type { WycheproofGroup, WycheproofTest } from './wycheproof.ts'
import type { Curves } from '../../src/crypto/primitives/index.ts'

interface EddsaTest extends WycheproofTest {
  msg: string
  sig: string
}

interface EddsaGroup extends WycheproofGroup<EddsaTest> {
  publicKey: { type: string, curve: string, keySize: number, pk: string }
}

interface XdhTest extends WycheproofTest {
  public: string
  private: string
  shared: string
}

interface XdhGroup extends WycheproofGroup<XdhTest> {
  curve: string
}

/**
 * ed25519_test.json (testvectors_v1) carries public keys only. These are the
 * RFC 8032 section 7.1 secret keys of TEST 1, 2 and 3, whose public keys and
 * signatures are in the file (tcId 80, 81, 82): signing is checked against them.
 */
const RFC8032_SECRETS: Record<string, string> = {
  d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c': '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
  fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7'
}

type Outcome = { shared: string } | { error: string }

async function dh (impl: Curves, secret: Uint8Array, publicKey: Uint8Array): Promise<Outcome> {
  try {
    return { shared: toHex(await impl.x25519(secret, publicKey)) }
  } catch (err: any) {
    return { error: err.name }
  }
}

function randomBytes (length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length))
}

describe('curves: noble and WebCrypto against Wycheproof', () => {
  const impls: { webCrypto?: Curves } = {}
  const webCurves = (): Curves => {
    if (impls.webCrypto == null) { throw new Error('webCryptoCurves() returned undefined on this runtime') }
    return impls.webCrypto
  }

  before(async () => {
    impls.webCrypto = await webCryptoCurves()
  })

  it('WebCrypto curves are available on Node 24', async () => {
    const impl = await webCryptoCurves()
    expect(impl).to.have.property('name', 'webcrypto')
  })

  describe('ed25519_test.json', () => {
    const file = loadVectors<EddsaGroup>('ed25519_test.json')
    const tally = new Tally()

    describe('ed25519Verify, noble and WebCrypto', () => {
      for (const group of file.testGroups) {
        for (const test of group.tests) {
          it(title(test), async () => {
            const publicKey = hex(group.publicKey.pk)
            const message = hex(test.msg)
            const signature = hex(test.sig)
            const [noble, web] = await Promise.all([
              nobleCurves.ed25519Verify(signature, message, publicKey),
              webCurves().ed25519Verify(signature, message, publicKey)
            ])
            expect(noble).to.be.a('boolean')
            expect(web).to.be.a('boolean')
            expect(noble).to.equal(web, `noble says ${noble}, WebCrypto says ${web}`)
            if (test.result === 'valid') {
              expect(noble).to.be.true()
            } else if (test.result === 'invalid') {
              expect(noble).to.be.false()
            } else {
              tally.record(`acceptable tcId ${test.tcId} -> ${noble}`)
            }
            tally.pass(test)
          })
        }
      }

      after(() => {
        console.log(`      ed25519_test.json verify passed: ${tally.toString()}`)
      })

      it('ran every vector', () => {
        expect(tally.total()).to.equal(file.numberOfTests)
      })
    })

    describe('ed25519Sign and ed25519PublicKey (RFC 8032 keys in the file)', () => {
      const signed = { count: 0 }

      for (const group of file.testGroups) {
        const sk = RFC8032_SECRETS[group.publicKey.pk]
        if (sk == null) { continue }

        for (const test of group.tests) {
          if (test.result === 'valid') {
            it(`${title(test)}: both paths derive pk and produce sig`, async () => {
              for (const impl of [nobleCurves, webCurves()]) {
                const secret = hex(sk)
                expect(toHex(await impl.ed25519PublicKey(secret))).to.equal(group.publicKey.pk, impl.name)
                expect(toHex(await impl.ed25519Sign(secret, hex(test.msg)))).to.equal(test.sig, impl.name)
              }
              signed.count++
            })
          } else {
            it(`${title(test)}: re-signing the message gives a signature both paths accept`, async () => {
              const message = hex(test.msg)
              const [bySigner, byWeb] = await Promise.all([
                nobleCurves.ed25519Sign(hex(sk), message),
                webCurves().ed25519Sign(hex(sk), message)
              ])
              expect(toHex(bySigner)).to.equal(toHex(byWeb))
              expect(toHex(bySigner)).to.not.equal(test.sig)
              for (const impl of [nobleCurves, webCurves()]) {
                expect(await impl.ed25519Verify(bySigner, message, hex(group.publicKey.pk))).to.be.true()
              }
            })
          }
        }
      }

      it('checked the three RFC 8032 signatures', () => {
        expect(signed.count).to.equal(3)
      })
    })

    describe('random keys', () => {
      it('ed25519PublicKey and ed25519Sign agree between paths on 50 random secrets', async () => {
        for (let i = 0; i < 50; i++) {
          const secret = randomBytes(32)
          const message = randomBytes(i * 7)
          const [pkNoble, pkWeb, sigNoble, sigWeb] = await Promise.all([
            nobleCurves.ed25519PublicKey(secret),
            webCurves().ed25519PublicKey(secret),
            nobleCurves.ed25519Sign(secret, message),
            webCurves().ed25519Sign(secret, message)
          ])
          expect(pkWeb).to.equalBytes(pkNoble)
          expect(sigWeb).to.equalBytes(sigNoble)
        }
      })
    })
  })

  describe('x25519_test.json', () => {
    const file = loadVectors<XdhGroup>('x25519_test.json')
    const tally = new Tally()

    describe('x25519, noble and WebCrypto', () => {
      for (const group of file.testGroups) {
        for (const test of group.tests) {
          it(title(test), async () => {
          // every case of this file has 32-byte keys (xdh_comp_schema_v1: raw u-coordinates)
            const secret = hex(test.private)
            const publicKey = hex(test.public)
            expect(secret).to.have.length(32)
            expect(publicKey).to.have.length(32)

            const [noble, web] = await Promise.all([
              dh(nobleCurves, secret, publicKey),
              dh(webCurves(), secret, publicKey)
            ])
            expect(web).to.deep.equal(noble, 'noble and WebCrypto disagree')

            if (/^(00)+$/.test(test.shared)) {
              // low-order public key: RFC 7748 section 6.1 check, both must refuse
              expect(noble).to.deep.equal({ error: 'InvalidPublicKeyError' })
              tally.record(`${test.result}, all-zero shared secret (LowOrderPublic): both reject with InvalidPublicKeyError`)
            } else {
              // valid, and acceptable (twist points, non-canonical u >= p, special keys):
              // RFC 7748 defines the result, and both compute it
              expect(noble).to.deep.equal({ shared: test.shared })
              tally.record(`${test.result}, non-zero shared secret: both compute the expected value`)
            }
            tally.pass(test)
          })
        }
      }

      after(() => {
        console.log(`      x25519_test.json passed: ${tally.toString()}`)
      })

      it('ran every vector', () => {
        expect(tally.total()).to.equal(file.numberOfTests)
      })
    })

    describe('x25519PublicKey', () => {
      it('agrees between paths on 50 random secrets, and the DH is symmetric', async () => {
        for (let i = 0; i < 50; i++) {
          const a = randomBytes(32)
          const b = randomBytes(32)
          const [aNoble, aWeb, bNoble, bWeb] = await Promise.all([
            nobleCurves.x25519PublicKey(a),
            webCurves().x25519PublicKey(a),
            nobleCurves.x25519PublicKey(b),
            webCurves().x25519PublicKey(b)
          ])
          expect(aWeb).to.equalBytes(aNoble)
          expect(bWeb).to.equalBytes(bNoble)
          const [ab, ba] = await Promise.all([nobleCurves.x25519(a, bNoble), webCurves().x25519(b, aWeb)])
          expect(ab).to.equalBytes(ba)
        }
      })
    })
  })
})
