import { expect } from 'aegir/chai'
import { TokenBuckets } from '../../../src/services/mailbox/rate-limit.ts'

describe('TokenBuckets', () => {
  it('take: all or none, refilled one token per interval up to the burst', () => {
    const buckets = new TokenBuckets({ burst: 3, interval: 100, maxBuckets: 10 })
    expect(buckets.take('a', 0, 3)).to.equal(true)
    expect(buckets.take('a', 0)).to.equal(false)
    // a refused take takes nothing: one interval later there is exactly one
    expect(buckets.take('a', 100, 2)).to.equal(false)
    expect(buckets.take('a', 100)).to.equal(true)
    expect(buckets.take('a', 100)).to.equal(false)
    // never more than the burst, however long the pause
    expect(buckets.take('a', 100_000, 4)).to.equal(false)
    expect(buckets.take('a', 100_000, 3)).to.equal(true)
  })

  it('spend: runs into debt, which the refill pays back before any token is free again', () => {
    const buckets = new TokenBuckets({ burst: 10, interval: 10, maxBuckets: 10 })
    expect(buckets.spend('host', 0, 4)).to.equal(6)
    expect(buckets.spend('host', 0, 16)).to.equal(-10)
    // 100 ms pays back the 10 owed, no more
    expect(buckets.take('host', 100)).to.equal(false)
    expect(buckets.spend('host', 100, 0)).to.equal(0)
    expect(buckets.take('host', 110)).to.equal(true)
    // each key has its own bucket
    expect(buckets.spend('other', 110, 1)).to.equal(9)
  })

  it('keeps at most maxBuckets, forgetting the least recently used (which starts again full)', () => {
    const buckets = new TokenBuckets({ burst: 2, interval: 1_000, maxBuckets: 2 })
    buckets.spend('a', 0, 5)
    buckets.spend('b', 0, 5)
    // 'a' used last: 'b' is the one forgotten
    buckets.spend('a', 0, 0)
    buckets.spend('c', 0, 1)
    expect(buckets.spend('b', 0, 0)).to.equal(2)
    // adding 'b' back forgot 'a' (least recently used), so 'a' starts full too
    expect(buckets.spend('a', 0, 0)).to.equal(2)
  })
})
