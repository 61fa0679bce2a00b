/**
 * Token buckets keyed by remote peer (or host): each holds up to `burst`
 * tokens and gains one every `interval` ms; a deposit takes one, and `spend`
 * may run a bucket into debt (a byte budget). At most `maxBuckets` are kept,
 * least recently used dropped first (a dropped bucket is as good as full, so
 * evicting one only ever forgives a peer).
 */

interface Bucket {
  tokens: number
  updatedAt: number
}

export interface TokenBucketsInit {
  burst: number
  interval: number
  maxBuckets: number
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>()
  readonly burst: number
  readonly interval: number
  private readonly maxBuckets: number

  constructor (init: TokenBucketsInit) {
    this.burst = init.burst
    this.interval = init.interval
    this.maxBuckets = init.maxBuckets
  }

  /** Take `count` tokens (default 1) for `key` at time `now` (ms); false, taking none, when its bucket holds fewer */
  take (key: string, now: number, count = 1): boolean {
    const bucket = this.bucket(key, now)
    if (bucket.tokens < count) {
      return false
    }
    bucket.tokens -= count
    return true
  }

  /**
   * Take `count` tokens for `key` at time `now` (ms) even when its bucket
   * holds fewer: it goes below zero, a debt the refill pays back first.
   * Returns the tokens left (negative: owed; `-left * interval` ms until
   * the debt is paid).
   */
  spend (key: string, now: number, count: number): number {
    const bucket = this.bucket(key, now)
    bucket.tokens -= count
    return bucket.tokens
  }

  /** The bucket of `key`, refilled up to `now`, moved to most recently used */
  private bucket (key: string, now: number): Bucket {
    let bucket = this.buckets.get(key)
    if (bucket == null) {
      bucket = { tokens: this.burst, updatedAt: now }
    } else {
      this.buckets.delete(key)
      const earned = Math.max(0, now - bucket.updatedAt) / this.interval
      bucket = { tokens: Math.min(this.burst, bucket.tokens + earned), updatedAt: Math.max(now, bucket.updatedAt) }
    }
    // re-inserted last: Map order is then least recently used first
    this.buckets.set(key, bucket)
    while (this.buckets.size > this.maxBuckets) {
      const oldest = this.buckets.keys().next().value as string
      this.buckets.delete(oldest)
    }
    return bucket
  }

  clear (): void {
    this.buckets.clear()
  }
}
