import { expect } from 'aegir/chai'
import prefixes from '../src/peer/kad-refresh-keys.ts'
import { MAX_QR_TEXT_LENGTH, qrPath } from '../src/qr.ts'

describe('qrPath', () => {
  it('draws the dark modules of a QR code with a quiet zone', () => {
    const { size, path } = qrPath('hypha', 2)
    // version 1 is 21 modules, plus 2 on each side
    expect(size).to.equal(25)
    expect(path).to.match(/^(M\d+ \d+h1v1h-1z)+$/)
    // the top-left finder pattern starts inside the quiet zone
    expect(path.startsWith('M2 2h1v1h-1z')).to.be.true()
  })

  it('grows with the text and stays the same for the same text', () => {
    const link = 'https://hypha.example/#/add/' + encodeURIComponent('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')
    expect(qrPath(link).size).to.be.greaterThan(qrPath('x').size)
    expect(qrPath(link)).to.deep.equal(qrPath(link))
  })

  it('refuses text over the limit', () => {
    expect(() => qrPath('x'.repeat(MAX_QR_TEXT_LENGTH + 1))).to.throw(RangeError, `at most ${MAX_QR_TEXT_LENGTH}`)
  })
})

describe('kad refresh keys', () => {
  it('reads like kad-dht\'s prefix table: a 32-bit number at any index', () => {
    for (const index of [0, 1, 4242, 65535]) {
      const value = prefixes[index]
      expect(Number.isInteger(value) && value >= 0 && value < 2 ** 32, String(index)).to.be.true()
    }
    expect(prefixes.length).to.equal(0)
  })
})
