import { expect } from 'aegir/chai'
import { advance, refillStepBudget } from '../../src/crypto/chain.ts'
import { constants } from '../../src/index.ts'

describe('chain step budget', function () {
  this.timeout(120_000)

  beforeEach(() => { refillStepBudget() })

  it(`skips up to ${constants.CHAIN_STEP_BURST} steps at once, then refuses with RateLimitedError until the budget refills`, async () => {
    const chainKey = new Uint8Array(32).fill(7)
    let skipped = 0
    const charged = constants.MAX_FORWARD_JUMP - constants.CHAIN_STEP_FREE
    while (skipped + charged <= constants.CHAIN_STEP_BURST) {
      advance(chainKey, 'aa', 0, constants.MAX_FORWARD_JUMP, 'a forged jump')
      skipped += charged
    }
    expect(skipped).to.be.above(constants.CHAIN_STEP_BURST - charged)
    expect(() => advance(chainKey, 'aa', 0, constants.MAX_FORWARD_JUMP, 'one more')).to.throw().with.property('name', 'RateLimitedError')
    // a message right after the last one skips nothing, and a small gap (reordering, a loss) costs nothing either
    expect(advance(chainKey, 'aa', 5, 5, 'the next message').skipped).to.have.length(0)
    expect(advance(chainKey, 'aa', 0, constants.CHAIN_STEP_FREE, 'a small gap').skipped).to.have.length(constants.CHAIN_STEP_FREE)
    // refilled at CHAIN_STEP_RATE a second: a gap of one second's worth is taken again within a few seconds
    let refilled = false
    for (let i = 0; i < 40 && !refilled; i++) {
      await new Promise(resolve => setTimeout(resolve, 100))
      try {
        advance(chainKey, 'aa', 0, constants.CHAIN_STEP_RATE, 'a gap after the flood')
        refilled = true
      } catch (err: any) {
        expect(err.name).to.equal('RateLimitedError')
      }
    }
    expect(refilled).to.equal(true)
  })

  it('refuses a jump over MAX_FORWARD_JUMP before spending any budget', () => {
    const chainKey = new Uint8Array(32).fill(7)
    expect(() => advance(chainKey, 'aa', 0, constants.MAX_FORWARD_JUMP + 1, 'too far')).to.throw().with.property('name', 'TooManySkippedMessagesError')
    advance(chainKey, 'aa', 0, constants.MAX_FORWARD_JUMP, 'within the budget')
  })
})
