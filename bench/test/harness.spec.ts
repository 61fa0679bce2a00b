import { expect } from 'aegir/chai'
import { measure, percentile, formatTable, printTable, formatNumber, DEFAULT_ITERATIONS, DEFAULT_WARMUP } from '../src/index.ts'
import type { BenchResult } from '../src/index.ts'

function row (name: string, opsPerSecond: number, iterations = 1000): BenchResult {
  const meanUs = 1e6 / opsPerSecond
  return { name, iterations, totalMs: (meanUs * iterations) / 1000, opsPerSecond, meanUs, p50Us: meanUs, p99Us: meanUs * 3 }
}

describe('measure', () => {
  it('calls a sync function warmup + iterations times', async () => {
    let calls = 0
    const result = await measure('count', () => { calls++ }, { iterations: 50, warmup: 7 })
    expect(calls).to.equal(57)
    expect(result.name).to.equal('count')
    expect(result.iterations).to.equal(50)
  })

  it('uses the default iterations and warmup', async () => {
    let calls = 0
    const result = await measure('defaults', () => { calls++ })
    expect(result.iterations).to.equal(DEFAULT_ITERATIONS)
    expect(calls).to.equal(DEFAULT_ITERATIONS + DEFAULT_WARMUP)
  })

  it('awaits async functions one at a time', async () => {
    let inFlight = 0
    let maxInFlight = 0
    let done = 0
    const result = await measure('async', async () => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      await new Promise(resolve => setImmediate(resolve))
      inFlight--
      done++
    }, { iterations: 20, warmup: 2 })
    expect(maxInFlight).to.equal(1)
    expect(done).to.equal(22)
    expect(result.iterations).to.equal(20)
  })

  it('times what the function does', async () => {
    const result = await measure('sleep 2 ms', async () => new Promise(resolve => setTimeout(resolve, 2)), { iterations: 5, warmup: 0 })
    expect(result.p50Us).to.be.at.least(1500)
    expect(result.totalMs).to.be.at.least(7.5)
    expect(result.opsPerSecond).to.be.below(1000)
  })

  it('returns consistent statistics', async () => {
    const result = await measure('work', () => Math.sqrt(Math.random()), { iterations: 200, warmup: 10 })
    expect(result.totalMs).to.be.at.least(0)
    expect(result.meanUs).to.be.closeTo((result.totalMs * 1000) / 200, 1e-9)
    expect(result.p50Us).to.be.at.most(result.p99Us)
    if (result.totalMs > 0) {
      expect(result.opsPerSecond).to.be.closeTo(200 / (result.totalMs / 1000), 1e-6)
    }
  })

  it('propagates errors from the function', async () => {
    await expect(measure('throws', () => { throw new Error('boom') }, { iterations: 1, warmup: 0 }))
      .to.eventually.be.rejectedWith(Error, 'boom')
    await expect(measure('rejects', async () => { throw new Error('async boom') }, { iterations: 1, warmup: 0 }))
      .to.eventually.be.rejectedWith(Error, 'async boom')
  })

  it('accepts the smallest valid options', async () => {
    const result = await measure('one', () => {}, { iterations: 1, warmup: 0 })
    expect(result.iterations).to.equal(1)
    expect(result.p50Us).to.equal(result.p99Us)
  })

  it('refuses bad options', async () => {
    await expect(measure('x', () => {}, { iterations: 0 }))
      .to.eventually.be.rejectedWith(RangeError, 'iterations must be a positive integer, got 0')
    await expect(measure('x', () => {}, { iterations: 1.5 }))
      .to.eventually.be.rejectedWith(RangeError, 'iterations must be a positive integer, got 1.5')
    await expect(measure('x', () => {}, { warmup: -1 }))
      .to.eventually.be.rejectedWith(RangeError, 'warmup must be a non-negative integer, got -1')
    // @ts-expect-error: not a function
    await expect(measure('x', 42)).to.eventually.be.rejectedWith(TypeError, 'fn must be a function, got number')
  })
})

describe('percentile', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1)

  it('uses the nearest rank', () => {
    expect(percentile(sorted, 0.5)).to.equal(50)
    expect(percentile(sorted, 0.99)).to.equal(99)
    expect(percentile(sorted, 1)).to.equal(100)
    expect(percentile([7], 0.01)).to.equal(7)
    expect(percentile([1, 2, 3], 0.5)).to.equal(2)
  })

  it('refuses no samples and out of range p', () => {
    expect(() => percentile([], 0.5)).to.throw(RangeError, 'percentile of no samples')
    expect(() => percentile(sorted, 0)).to.throw(RangeError, 'p must be in (0, 1], got 0')
    expect(() => percentile(sorted, 1.01)).to.throw(RangeError, 'p must be in (0, 1], got 1.01')
  })
})

describe('formatNumber', () => {
  it('keeps about three significant digits', () => {
    expect(formatNumber(1234567.8)).to.equal('1,234,568')
    expect(formatNumber(100)).to.equal('100')
    expect(formatNumber(42.345)).to.equal('42.3')
    expect(formatNumber(1.5)).to.equal('1.50')
    expect(formatNumber(0)).to.equal('0.00')
    expect(formatNumber(Number.POSITIVE_INFINITY)).to.equal('Infinity')
  })
})

describe('formatTable', () => {
  it('aligns the columns', () => {
    const text = formatTable([row('noble x25519', 500), row('webcrypto x25519', 5400, 20000)])
    expect(text.split('\n')).to.deep.equal([
      'benchmark         ops/s  mean µs  p50 µs  p99 µs   runs',
      '----------------  -----  -------  ------  ------  -----',
      'noble x25519        500    2,000   2,000   6,000   1000',
      'webcrypto x25519  5,400      185     185     556  20000'
    ])
  })

  it('renders the header alone when there are no rows', () => {
    expect(formatTable([]).split('\n')).to.deep.equal([
      'benchmark  ops/s  mean µs  p50 µs  p99 µs  runs',
      '---------  -----  -------  ------  ------  ----'
    ])
  })
})

describe('printTable', () => {
  it('writes the table and a newline', () => {
    let written = ''
    printTable([row('a', 10)], { write: (text: string) => { written += text } })
    expect(written).to.equal(`${formatTable([row('a', 10)])}\n`)
  })
})
