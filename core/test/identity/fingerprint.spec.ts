import { expect } from 'aegir/chai'
import { SAFETY_QR_PREFIX } from '../../src/identity/fingerprint.ts'
import { createKeyPairAccount, didPkhFromAddress, fingerprint, formatSafetyNumber, safetyNumber, safetyQrPayload, verifySafetyQr } from '../../src/index.ts'

/** Flips the top bit of one base64url character (always a data bit, even in the last character) */
function tamper (payload: string, index: number): string {
  const body = payload.slice(SAFETY_QR_PREFIX.length)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const i = alphabet.indexOf(body[index])
  return SAFETY_QR_PREFIX + body.slice(0, index) + alphabet[i ^ 0x20] + body.slice(index + 1)
}

describe('safety numbers', function () {
  this.timeout(60_000)

  let a: string
  let b: string
  let c: string
  const walletA = didPkhFromAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')
  const walletB = didPkhFromAddress('0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359')

  before(async () => {
    [a, b, c] = [(await createKeyPairAccount()).userId, (await createKeyPairAccount()).userId, (await createKeyPairAccount()).userId]
  })

  it('are the same on both sides, 60 digits, and differ for another pair', () => {
    const ab = safetyNumber(a, b)
    expect(ab).to.equal(safetyNumber(b, a))
    expect(ab).to.match(/^\d{60}$/)
    expect(safetyNumber(a, c)).to.not.equal(ab)
    expect(safetyNumber(c, b)).to.not.equal(ab)
    // each half is one user's 30 digits, the smaller first
    expect(ab.slice(0, 30) <= ab.slice(30)).to.be.true()
    const halvesAb = [ab.slice(0, 30), ab.slice(30)]
    const halvesAc = [safetyNumber(a, c).slice(0, 30), safetyNumber(a, c).slice(30)]
    const shared = halvesAb.filter(h => halvesAc.includes(h))
    expect(shared).to.have.length(1, 'a\'s own 30 digits appear in both')
  })

  it('formats as 12 groups of 5 digits', () => {
    const formatted = formatSafetyNumber(safetyNumber(a, b))
    expect(formatted).to.match(/^\d{5}( \d{5}){11}$/)
    expect(formatted.replaceAll(' ', '')).to.equal(safetyNumber(a, b))
  })

  it('gives each user a 32-byte fingerprint', () => {
    expect(fingerprint(a)).to.have.length(32)
    expect(fingerprint(a)).to.deep.equal(fingerprint(a))
    expect(fingerprint(a)).to.not.deep.equal(fingerprint(b))
    expect(() => fingerprint('did:example:123')).to.throw().with.property('name', 'InvalidUserIdError')
  })

  it('QR payload shown by one side verifies on the other side only', () => {
    const shownByA = safetyQrPayload(a, b)
    expect(shownByA.startsWith(SAFETY_QR_PREFIX)).to.be.true()
    // B scans A's screen
    expect(verifySafetyQr(b, a, shownByA)).to.be.true()
    // A scanning its own code (wrong direction)
    expect(verifySafetyQr(a, b, shownByA)).to.be.false()
    // a code about a third user
    expect(verifySafetyQr(b, a, safetyQrPayload(c, b))).to.be.false()
    expect(verifySafetyQr(b, a, safetyQrPayload(a, c))).to.be.false()
    expect(verifySafetyQr(b, c, shownByA)).to.be.false()
    // and the other direction
    expect(verifySafetyQr(a, b, safetyQrPayload(b, a))).to.be.true()
  })

  it('rejects a tampered QR payload', () => {
    const shown = safetyQrPayload(a, b)
    const length = shown.length - SAFETY_QR_PREFIX.length
    for (let i = 0; i < length; i++) {
      expect(verifySafetyQr(b, a, tamper(shown, i)), `character ${i}`).to.be.false()
    }
    expect(verifySafetyQr(b, a, shown.slice(0, -1))).to.be.false()
    expect(verifySafetyQr(b, a, shown + 'A')).to.be.false()
    expect(verifySafetyQr(b, a, shown + '!')).to.be.false()
    expect(verifySafetyQr(b, a, SAFETY_QR_PREFIX)).to.be.false()
    expect(() => verifySafetyQr(b, a, shown.slice(1))).to.throw().with.property('name', 'MalformedMessageError')
    expect(() => verifySafetyQr(b, a, 'https://example.com/')).to.throw().with.property('name', 'MalformedMessageError')
  })

  it('works for did:pkh user ids, and for mixed pairs', () => {
    expect(safetyNumber(walletA, walletB)).to.equal(safetyNumber(walletB, walletA))
    expect(safetyNumber(walletA, walletB)).to.match(/^\d{60}$/)
    expect(safetyNumber(walletA, a)).to.equal(safetyNumber(a, walletA))
    expect(safetyNumber(walletA, a)).to.not.equal(safetyNumber(walletB, a))
    expect(verifySafetyQr(walletB, walletA, safetyQrPayload(walletA, walletB))).to.be.true()
    expect(verifySafetyQr(walletA, walletB, safetyQrPayload(walletA, walletB))).to.be.false()
    expect(verifySafetyQr(a, walletA, safetyQrPayload(walletA, a))).to.be.true()
    expect(verifySafetyQr(a, walletB, safetyQrPayload(walletA, a))).to.be.false()
  })
})
