import { expect } from 'aegir/chai'
import {
  channelLink, inviteLink, parseChannelHash, parseMemberList, senderName, shortUserId, MAX_CHANNEL_PAYLOAD_LENGTH, MAX_PASTED_MEMBERS
} from '../src/index.ts'

const ALICE = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
const BOB = 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG'
const WALLET = 'did:pkh:eip155:1:0xB9C5714089478a327F09197987f16f9E5d936E8a'

describe('parseMemberList', () => {
  it('reads user ids and invite links separated by spaces, commas, semicolons and new lines', () => {
    const text = ` ${ALICE},${inviteLink('https://hypha.example/', BOB)}\n\n${WALLET} ; `
    expect(parseMemberList(text)).to.deep.equal([ALICE, BOB, WALLET])
  })

  it('drops repeats and keeps the first order', () => {
    expect(parseMemberList(`${BOB} ${ALICE} ${BOB}`)).to.deep.equal([BOB, ALICE])
  })

  it('is empty for blank text', () => {
    expect(parseMemberList('  \n ,')).to.deep.equal([])
  })

  it('names the entry that is not a user id', () => {
    expect(() => parseMemberList(`${ALICE} bob`)).to.throw(/^bob: not a user id/)
      .with.property('name', 'InvalidContactInputError')
    const long = 'x'.repeat(100)
    expect(() => parseMemberList(long)).to.throw(`${'x'.repeat(40)}…:`)
  })

  it(`takes at most ${MAX_PASTED_MEMBERS} members`, () => {
    const many = Array.from({ length: MAX_PASTED_MEMBERS + 1 }, (_, i) => inviteLink('https://h.example/', `did:pkh:eip155:1:0x${String(i).padStart(40, '0')}`))
    expect(() => parseMemberList(many.join('\n'))).to.throw(RangeError, `at most ${MAX_PASTED_MEMBERS} members`)
    expect(parseMemberList(many.slice(1).join('\n'))).to.have.length(MAX_PASTED_MEMBERS)
  })
})

describe('senderName and shortUserId', () => {
  it('says You, the alias, else the end of the id', () => {
    const aliases = new Map([[BOB, 'Bob']])
    expect(senderName(ALICE, ALICE, aliases)).to.equal('You')
    expect(senderName(BOB, ALICE, aliases)).to.equal('Bob')
    expect(senderName(WALLET, ALICE, aliases)).to.equal('…5d936E8a')
    expect(shortUserId(ALICE)).to.equal('…EGta2doK')
    expect(shortUserId('did:x:1')).to.equal('did:x:1')
  })
})

describe('channel links', () => {
  const payload = 'AbC-_09xyz'

  it('puts core\'s invite payload in the fragment of the app\'s URL', () => {
    expect(channelLink('https://hypha.example/app/', `hypha://channel/${payload}`)).to.equal(`https://hypha.example/app/#/channel/${payload}`)
    expect(channelLink('http://127.0.0.1:8080/#/add/x', `hypha://channel/${payload}`)).to.equal(`http://127.0.0.1:8080/#/channel/${payload}`)
  })

  it('round trips through a URL', () => {
    const hash = new URL(channelLink('https://hypha.example/', `hypha://channel/${payload}`)).hash
    expect(parseChannelHash(hash)).to.equal(payload)
  })

  it('refuses what is not a channel route or payload', () => {
    for (const hash of ['', '#/channel/', '#/add/x', `#/channel/${payload}/more`, '#/channel/a b', '#/channel/a%20b', '#/channel/a=',
      `#/channel/${'a'.repeat(MAX_CHANNEL_PAYLOAD_LENGTH + 1)}`]) {
      expect(parseChannelHash(hash), hash).to.be.undefined()
    }
    expect(parseChannelHash(`#/channel/${'a'.repeat(MAX_CHANNEL_PAYLOAD_LENGTH)}`)).to.have.length(MAX_CHANNEL_PAYLOAD_LENGTH)
    expect(() => channelLink('https://hypha.example/', 'hypha://channel/')).to.throw(TypeError, 'not a channel invite')
    expect(() => channelLink('https://hypha.example/', 'hypha://channel/a b')).to.throw(TypeError)
  })
})
