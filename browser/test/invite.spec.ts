import { expect } from 'aegir/chai'
import { inviteLink, parseInviteHash, MAX_INVITE_USER_ID_LENGTH } from '../src/index.ts'

const DID_KEY = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
const DID_PKH = 'did:pkh:eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a'

describe('inviteLink', () => {
  it('puts the encoded user id in the fragment', () => {
    expect(inviteLink('https://hypha.example/', DID_KEY))
      .to.equal(`https://hypha.example/#/add/${encodeURIComponent(DID_KEY)}`)
    expect(inviteLink('https://hypha.example/', 'did:key:z6Mk'))
      .to.equal('https://hypha.example/#/add/did%3Akey%3Az6Mk')
  })

  it('replaces a fragment already on the base url', () => {
    expect(inviteLink('http://127.0.0.1:8080/app/#/settings', 'did:key:z6Mk'))
      .to.equal('http://127.0.0.1:8080/app/#/add/did%3Akey%3Az6Mk')
  })

  it('round trips through a URL', () => {
    for (const id of [DID_KEY, DID_PKH, 'a/b#c?d%e&f', 'über', 'x'.repeat(MAX_INVITE_USER_ID_LENGTH)]) {
      const hash = new URL(inviteLink('https://hypha.example/', id)).hash
      expect(parseInviteHash(hash)).to.equal(id)
    }
  })

  it('refuses an empty user id', () => {
    expect(() => inviteLink('https://hypha.example/', '')).to.throw(TypeError, 'user id must be a non-empty string')
  })

  it('refuses a user id longer than the limit', () => {
    const id = 'x'.repeat(MAX_INVITE_USER_ID_LENGTH + 1)
    expect(() => inviteLink('https://hypha.example/', id))
      .to.throw(RangeError, `user id must be at most ${MAX_INVITE_USER_ID_LENGTH} characters, got ${MAX_INVITE_USER_ID_LENGTH + 1}`)
  })
})

describe('parseInviteHash', () => {
  it('reads the user id', () => {
    expect(parseInviteHash(`#/add/${encodeURIComponent(DID_PKH)}`)).to.equal(DID_PKH)
    expect(parseInviteHash('#/add/did:key:z6Mk')).to.equal('did:key:z6Mk')
  })

  it('accepts an id of exactly the maximum length', () => {
    expect(parseInviteHash(`#/add/${'x'.repeat(MAX_INVITE_USER_ID_LENGTH)}`)).to.equal('x'.repeat(MAX_INVITE_USER_ID_LENGTH))
  })

  it('returns undefined for an id one over the maximum length', () => {
    expect(parseInviteHash(`#/add/${'x'.repeat(MAX_INVITE_USER_ID_LENGTH + 1)}`)).to.equal(undefined)
  })

  it('returns undefined for other routes', () => {
    for (const hash of ['', '#', '#/', '#/add', '#/settings', '#/ADD/x', 'add/x', '/add/x', '#add/x', '##/add/x', '#/add-x']) {
      expect(parseInviteHash(hash), JSON.stringify(hash)).to.equal(undefined)
    }
  })

  it('returns undefined for an empty id', () => {
    expect(parseInviteHash('#/add/')).to.equal(undefined)
  })

  it('returns undefined for extra path segments', () => {
    expect(parseInviteHash('#/add/did:key:z6Mk/extra')).to.equal(undefined)
    expect(parseInviteHash('#/add/did:key:z6Mk/')).to.equal(undefined)
  })

  it('returns undefined for broken percent-encoding', () => {
    expect(parseInviteHash('#/add/did%3')).to.equal(undefined)
    expect(parseInviteHash('#/add/%E0%A4%A')).to.equal(undefined)
    expect(parseInviteHash('#/add/%FF')).to.equal(undefined)
  })

  it('returns undefined for whitespace and control characters', () => {
    expect(parseInviteHash('#/add/did%20key')).to.equal(undefined)
    expect(parseInviteHash('#/add/did%0Akey')).to.equal(undefined)
    expect(parseInviteHash('#/add/did%00')).to.equal(undefined)
    expect(parseInviteHash('#/add/did%7F')).to.equal(undefined)
  })

  it('returns undefined for values that are not strings', () => {
    // @ts-expect-error: not a string
    expect(parseInviteHash(undefined)).to.equal(undefined)
    // @ts-expect-error: not a string
    expect(parseInviteHash(42)).to.equal(undefined)
  })
})
