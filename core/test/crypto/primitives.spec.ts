import { expect } from 'aegir/chai'
import { fromString } from 'uint8arrays/from-string'
import { assertBytes, isAllZero } from '../../src/crypto/primitives/checks.ts'
import { curves, nobleCurves, webCryptoCurves } from '../../src/crypto/primitives/index.ts'
import type { Curves } from '../../src/crypto/primitives/index.ts'

function randomBytes (length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length))
}

function flipBit (bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice()
  out[bit >> 3] ^= 1 << (bit & 7)
  return out
}

/** The name of the error the promise rejects with, or undefined when it resolves */
async function rejection (promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
  } catch (err: any) {
    return err.name
  }
  return undefined
}

describe('crypto primitives (curves)', () => {
  const impls: Curves[] = [nobleCurves]

  before(async () => {
    const webCrypto = await webCryptoCurves()
    if (webCrypto == null) { throw new Error('webCryptoCurves() returned undefined: Node 24 and Chromium have Ed25519 and X25519') }
    impls.push(webCrypto)
  })

  it('curves() picks WebCrypto (Node 24, Chromium)', async () => {
    const selected = await curves()
    expect(selected.name).to.equal('webcrypto')
    expect(await curves()).to.equal(selected)
  })

  it('has both implementations', () => {
    expect(impls.map(impl => impl.name)).to.deep.equal(['noble', 'webcrypto'])
  })

  describe('Ed25519', () => {
    it('sign/verify round-trips in each implementation', async () => {
      for (const impl of impls) {
        const secret = randomBytes(32)
        const publicKey = await impl.ed25519PublicKey(secret)
        expect(publicKey, impl.name).to.have.length(32)
        for (const message of [new Uint8Array(0), fromString('hello hypha'), randomBytes(1000)]) {
          const signature = await impl.ed25519Sign(secret, message)
          expect(signature, impl.name).to.have.length(64)
          expect(await impl.ed25519Verify(signature, message, publicKey), impl.name).to.be.true()
        }
      }
    })

    it('signatures and public keys are identical across implementations (deterministic RFC 8032)', async () => {
      const [noble, webCrypto] = impls
      for (let i = 0; i < 10; i++) {
        const secret = randomBytes(32)
        const message = randomBytes(i * 13)
        expect(await webCrypto.ed25519PublicKey(secret)).to.equalBytes(await noble.ed25519PublicKey(secret))
        expect(await webCrypto.ed25519Sign(secret, message)).to.equalBytes(await noble.ed25519Sign(secret, message))
      }
    })

    it('a signature made by one implementation verifies in the other', async () => {
      for (const signer of impls) {
        for (const verifier of impls) {
          const secret = randomBytes(32)
          const message = randomBytes(77)
          const publicKey = await signer.ed25519PublicKey(secret)
          const signature = await signer.ed25519Sign(secret, message)
          expect(await verifier.ed25519Verify(signature, message, publicKey), `${signer.name} -> ${verifier.name}`).to.be.true()
        }
      }
    })

    it('verifies inputs that are views into larger buffers', async () => {
      const secret = randomBytes(32)
      const message = fromString('a view')
      const publicKey = await nobleCurves.ed25519PublicKey(secret)
      const signature = await nobleCurves.ed25519Sign(secret, message)
      const backing = new Uint8Array(3 + 64 + 32 + message.length)
      backing.set(signature, 3)
      backing.set(publicKey, 3 + 64)
      backing.set(message, 3 + 64 + 32)
      const sigView = backing.subarray(3, 3 + 64)
      const keyView = backing.subarray(3 + 64, 3 + 64 + 32)
      const msgView = backing.subarray(3 + 64 + 32)
      for (const impl of impls) {
        expect(await impl.ed25519Verify(sigView, msgView, keyView), impl.name).to.be.true()
        expect(await impl.ed25519Sign(secret, msgView), impl.name).to.equalBytes(signature)
      }
    })

    it('verify returns false (does not throw) for wrong lengths', async () => {
      const secret = randomBytes(32)
      const message = fromString('lengths')
      for (const impl of impls) {
        const publicKey = await impl.ed25519PublicKey(secret)
        const signature = await impl.ed25519Sign(secret, message)
        const cases: Array<[Uint8Array, Uint8Array]> = [
          [new Uint8Array(0), publicKey],
          [signature.subarray(0, 63), publicKey],
          [Uint8Array.from([...signature, 0]), publicKey],
          [signature, new Uint8Array(0)],
          [signature, publicKey.subarray(0, 31)],
          [signature, Uint8Array.from([...publicKey, 0])]
        ]
        for (const [sig, key] of cases) {
          expect(await impl.ed25519Verify(sig, message, key), `${impl.name} sig ${sig.length} key ${key.length}`).to.be.false()
        }
      }
    })

    it('verify returns false for a flipped bit in the signature, message or key', async () => {
      const secret = randomBytes(32)
      const message = fromString('every bit counts')
      for (const impl of impls) {
        const publicKey = await impl.ed25519PublicKey(secret)
        const signature = await impl.ed25519Sign(secret, message)
        for (let bit = 0; bit < 512; bit += 7) {
          expect(await impl.ed25519Verify(flipBit(signature, bit), message, publicKey), `${impl.name} sig bit ${bit}`).to.be.false()
        }
        for (let bit = 0; bit < message.length * 8; bit += 5) {
          expect(await impl.ed25519Verify(signature, flipBit(message, bit), publicKey), `${impl.name} msg bit ${bit}`).to.be.false()
        }
        for (let bit = 0; bit < 256; bit += 3) {
          expect(await impl.ed25519Verify(signature, message, flipBit(publicKey, bit)), `${impl.name} key bit ${bit}`).to.be.false()
        }
        // the top bit of S, and of the key's sign bit
        expect(await impl.ed25519Verify(flipBit(signature, 511), message, publicKey)).to.be.false()
        expect(await impl.ed25519Verify(signature, message, flipBit(publicKey, 255))).to.be.false()
      }
    })

    it('verify returns false for an all-zero key and signature', async () => {
      for (const impl of impls) {
        expect(await impl.ed25519Verify(new Uint8Array(64), new Uint8Array(0), new Uint8Array(32)), impl.name).to.be.false()
      }
    })

    it('sign and ed25519PublicKey reject a secret that is not 32 bytes with TypeError', async () => {
      for (const impl of impls) {
        await expect(impl.ed25519Sign(new Uint8Array(31), new Uint8Array(1))).to.eventually.be.rejectedWith(TypeError, 'expected Ed25519 secret key of length 32, got length=31')
        await expect(impl.ed25519PublicKey(new Uint8Array(64))).to.eventually.be.rejectedWith(TypeError, 'expected Ed25519 secret key of length 32, got length=64')
      }
    })
  })

  describe('X25519', () => {
    it('public keys are identical across implementations', async () => {
      const [noble, webCrypto] = impls
      for (let i = 0; i < 10; i++) {
        const secret = randomBytes(32)
        expect(await webCrypto.x25519PublicKey(secret)).to.equalBytes(await noble.x25519PublicKey(secret))
      }
    })

    it('dh(a, B) == dh(b, A) within and across implementations', async () => {
      for (const first of impls) {
        for (const second of impls) {
          const a = randomBytes(32)
          const b = randomBytes(32)
          const A = await first.x25519PublicKey(a)
          const B = await second.x25519PublicKey(b)
          const ab = await first.x25519(a, B)
          const ba = await second.x25519(b, A)
          expect(ab, `${first.name} / ${second.name}`).to.have.length(32)
          expect(ab, `${first.name} / ${second.name}`).to.equalBytes(ba)
        }
      }
    })

    it('rejects low-order public keys (all-zero shared secret) with InvalidPublicKeyError', async () => {
      const lowOrder = [
        new Uint8Array(32), // u = 0
        Uint8Array.from({ length: 32 }, (_, i) => i === 0 ? 1 : 0), // u = 1
        fromString('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'base16') // order 8
      ]
      for (const impl of impls) {
        for (const publicKey of lowOrder) {
          expect(await rejection(impl.x25519(randomBytes(32), publicKey)), impl.name).to.equal('InvalidPublicKeyError')
        }
      }
    })

    it('rejects secrets and public keys that are not 32 bytes with TypeError', async () => {
      for (const impl of impls) {
        await expect(impl.x25519(new Uint8Array(31), randomBytes(32))).to.eventually.be.rejectedWith(TypeError, 'expected X25519 secret key of length 32, got length=31')
        await expect(impl.x25519(randomBytes(32), new Uint8Array(33))).to.eventually.be.rejectedWith(TypeError, 'expected X25519 public key of length 32, got length=33')
        await expect(impl.x25519PublicKey(new Uint8Array(0))).to.eventually.be.rejectedWith(TypeError, 'expected X25519 secret key of length 32, got length=0')
      }
    })
  })

  describe('checks', () => {
    it('assertBytes accepts a Uint8Array of the right length', () => {
      expect(() => { assertBytes(new Uint8Array(3), 3, 'thing') }).to.not.throw()
    })

    it('assertBytes throws TypeError for a non-Uint8Array', () => {
      for (const value of [undefined, null, 'abc', [1, 2, 3], new ArrayBuffer(3), new Uint16Array(3)]) {
        expect(() => { assertBytes(value, 3, 'thing') }).to.throw(TypeError, 'expected thing to be a Uint8Array')
      }
    })

    it('assertBytes throws TypeError naming the expected and actual length', () => {
      expect(() => { assertBytes(new Uint8Array(2), 3, 'thing') }).to.throw(TypeError, 'expected thing of length 3, got length=2')
      expect(() => { assertBytes(new Uint8Array(0), 32, 'AEAD key') }).to.throw(TypeError, 'expected AEAD key of length 32, got length=0')
    })

    it('isAllZero', () => {
      expect(isAllZero(new Uint8Array(32))).to.be.true()
      expect(isAllZero(new Uint8Array(0))).to.be.true()
      expect(isAllZero(Uint8Array.from({ length: 32 }, (_, i) => i === 31 ? 0x80 : 0))).to.be.false()
      expect(isAllZero(Uint8Array.of(1))).to.be.false()
    })
  })
})
