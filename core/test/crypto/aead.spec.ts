import { expect } from 'aegir/chai'
import { fromString } from 'uint8arrays/from-string'
import { open, seal, SEAL_OVERHEAD } from '../../src/crypto/aead.ts'
import type { RandomSource } from '../../src/crypto/random.ts'

function randomBytes (length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length))
}

/** The name of the error `fn` throws, or undefined */
function thrown (fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err: any) {
    return err.name
  }
  return undefined
}

/** Counting bytes 0, 1, 2... so the nonce is known in advance */
const countingRandom: RandomSource = (length) => Uint8Array.from({ length }, (_, i) => i)

describe('aead: XChaCha20-Poly1305 seal/open', () => {
  const key = randomBytes(32)
  const ad = fromString('hypha test associated data')

  it('adds SEAL_OVERHEAD = 24-byte nonce + 16-byte tag', () => {
    expect(SEAL_OVERHEAD).to.equal(40)
    expect(seal(key, new Uint8Array(5), ad)).to.have.length(45)
  })

  it('round-trips plaintexts of several lengths', () => {
    for (const length of [0, 1, 15, 16, 17, 63, 64, 65, 1000, 4096]) {
      const plaintext = randomBytes(length)
      const sealed = seal(key, plaintext, ad)
      expect(sealed).to.have.length(length + SEAL_OVERHEAD)
      expect(open(key, sealed, ad)).to.equalBytes(plaintext)
    }
  })

  it('round-trips with empty associated data', () => {
    const plaintext = fromString('hello')
    expect(open(key, seal(key, plaintext, new Uint8Array(0)), new Uint8Array(0))).to.equalBytes(plaintext)
  })

  it('opens a sealed message that is a view into a larger buffer', () => {
    const plaintext = fromString('in a view')
    const sealed = seal(key, plaintext, ad)
    const backing = new Uint8Array(sealed.length + 10)
    backing.set(sealed, 7)
    expect(open(key, backing.subarray(7, 7 + sealed.length), ad)).to.equalBytes(plaintext)
  })

  it('throws DecryptionError when any byte of the sealed message is altered', () => {
    const plaintext = fromString('tamper me!')
    const sealed = seal(key, plaintext, ad)
    expect(sealed).to.have.length(plaintext.length + SEAL_OVERHEAD)
    for (let i = 0; i < sealed.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const altered = sealed.slice()
        altered[i] ^= mask
        expect(thrown(() => open(key, altered, ad)), `byte ${i} ^ ${mask}`).to.equal('DecryptionError')
      }
    }
    // and the original still opens
    expect(open(key, sealed, ad)).to.equalBytes(plaintext)
  })

  it('throws DecryptionError when bytes are removed or appended', () => {
    const sealed = seal(key, fromString('length matters'), ad)
    expect(thrown(() => open(key, sealed.subarray(0, sealed.length - 1), ad))).to.equal('DecryptionError')
    expect(thrown(() => open(key, sealed.subarray(1), ad))).to.equal('DecryptionError')
    const longer = new Uint8Array(sealed.length + 1)
    longer.set(sealed)
    expect(thrown(() => open(key, longer, ad))).to.equal('DecryptionError')
  })

  it('throws DecryptionError with the wrong associated data', () => {
    const sealed = seal(key, fromString('bound to ad'), ad)
    expect(thrown(() => open(key, sealed, fromString('other associated data')))).to.equal('DecryptionError')
    expect(thrown(() => open(key, sealed, new Uint8Array(0)))).to.equal('DecryptionError')
    const flipped = ad.slice()
    flipped[0] ^= 1
    expect(thrown(() => open(key, sealed, flipped))).to.equal('DecryptionError')
  })

  it('throws DecryptionError with the wrong key', () => {
    const sealed = seal(key, fromString('for one key'), ad)
    expect(thrown(() => open(randomBytes(32), sealed, ad))).to.equal('DecryptionError')
  })

  it('throws DecryptionError for input shorter than nonce + tag', () => {
    for (let length = 0; length < SEAL_OVERHEAD; length++) {
      expect(thrown(() => open(key, new Uint8Array(length), ad)), `length ${length}`).to.equal('DecryptionError')
    }
    // exactly nonce + tag is long enough to be tried (and fails on the tag)
    expect(thrown(() => open(key, new Uint8Array(SEAL_OVERHEAD), ad))).to.equal('DecryptionError')
    // while a sealed empty plaintext opens
    expect(open(key, seal(key, new Uint8Array(0), ad), ad)).to.have.length(0)
  })

  it('throws TypeError for a key that is not 32 bytes', () => {
    const sealed = seal(key, fromString('x'), ad)
    for (const length of [0, 16, 31, 33, 64]) {
      const wrong = randomBytes(length)
      expect(() => seal(wrong, fromString('x'), ad)).to.throw(TypeError, /expected AEAD key of length 32/)
      expect(() => open(wrong, sealed, ad)).to.throw(TypeError, /expected AEAD key of length 32/)
    }
  })

  it('uses a fresh nonce for every seal', () => {
    const plaintext = fromString('same plaintext')
    const a = seal(key, plaintext, ad)
    const b = seal(key, plaintext, ad)
    expect(a.subarray(0, 24)).to.not.equalBytes(b.subarray(0, 24))
    expect(a).to.not.equalBytes(b)
    expect(open(key, a, ad)).to.equalBytes(open(key, b, ad))
  })

  it('takes the nonce from the RandomSource given', () => {
    const plaintext = fromString('deterministic')
    const a = seal(key, plaintext, ad, countingRandom)
    const b = seal(key, plaintext, ad, countingRandom)
    expect(a.subarray(0, 24)).to.equalBytes(Uint8Array.from({ length: 24 }, (_, i) => i))
    expect(a).to.equalBytes(b)
    expect(open(key, a, ad)).to.equalBytes(plaintext)
  })

  it('throws TypeError when the RandomSource returns a nonce of the wrong length', () => {
    expect(() => seal(key, fromString('x'), ad, (length) => new Uint8Array(length - 1))).to.throw(TypeError, /expected nonce of length 24/)
  })
})
