import { expect } from 'aegir/chai'
import { getAddress } from 'ethers'
import { MAX_CONTACT_INPUT_LENGTH, parseContactInput } from '../src/contact-input.ts'
import { inviteLink } from '../src/invite.ts'

const DID_KEY = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
const DID_PKH = `did:pkh:eip155:1:${getAddress('0xb9c5714089478a327f09197987f16f9e5d936e8a')}`

describe('parseContactInput', () => {
  it('takes a user id', () => {
    expect(parseContactInput(DID_KEY)).to.equal(DID_KEY)
    expect(parseContactInput(`  ${DID_PKH}\n`)).to.equal(DID_PKH)
  })

  it('takes an invite link, or its fragment', () => {
    expect(parseContactInput(inviteLink('https://hypha.example/app/', DID_KEY))).to.equal(DID_KEY)
    expect(parseContactInput(inviteLink('http://127.0.0.1:8080/', DID_PKH))).to.equal(DID_PKH)
    expect(parseContactInput(`#/add/${encodeURIComponent(DID_KEY)}`)).to.equal(DID_KEY)
  })

  it('refuses anything else with InvalidContactInputError', () => {
    const cases: Array<[string, string]> = [
      ['', 'enter a user id'],
      ['   ', 'enter a user id'],
      ['hello', 'not a user id'],
      ['did:key:z6Mk', 'not a user id'],
      // not EIP-55 checksummed
      ['did:pkh:eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a', 'not a user id'],
      ['https://hypha.example/#/settings', 'not a Hypha invite'],
      ['https://hypha.example/#/add/', 'damaged'],
      [`https://hypha.example/#/add/${DID_KEY}/x`, 'damaged'],
      ['https://hypha.example/#/add/did%3', 'damaged'],
      ['x'.repeat(MAX_CONTACT_INPUT_LENGTH + 1), `at most ${MAX_CONTACT_INPUT_LENGTH}`],
      ['did:key:' + 'z'.repeat(300), 'too long']
    ]
    for (const [input, message] of cases) {
      expect(() => parseContactInput(input), input.slice(0, 60)).to.throw(message).with.property('name', 'InvalidContactInputError')
    }
  })
})
