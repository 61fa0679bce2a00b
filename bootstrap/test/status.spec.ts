import { constants } from '@hypha/core'
import { DEFAULT_DATA_LIMIT, DEFAULT_MAX_RESERVATIONS, MAX_MAX_RESERVATIONS } from '@hypha/relay-circuit'
import { expect } from 'aegir/chai'
import { bootstrapStatus, formatStatus } from '../src/index.ts'

describe('bootstrapStatus', () => {
  it('lists the services of a volunteer node, every one of them in this build', () => {
    const status = bootstrapStatus()
    expect(status.services.map(s => s.name)).to.deep.equal(['dht', 'rendezvous', 'mailbox', 'relay', 'web'])
    expect(status.services.filter(s => !s.available).map(s => s.name)).to.deep.equal([])
  })

  it('uses the mailbox server defaults, or the settings given', () => {
    expect(bootstrapStatus().mailbox.quotaCount).to.equal(constants.MAILBOX_QUOTA_COUNT)
    expect(bootstrapStatus({}, { quotaCount: 3, retention: 60 }).mailbox).to.include({ quotaCount: 3, retention: 60 })
  })

  it('uses the relay-circuit defaults', () => {
    const status = bootstrapStatus()
    expect(status.relayLimits.maxReservations).to.equal(DEFAULT_MAX_RESERVATIONS)
    expect(status.relayLimits.defaultDataLimit).to.equal(DEFAULT_DATA_LIMIT)
  })

  it('applies relay overrides', () => {
    expect(bootstrapStatus({ maxReservations: MAX_MAX_RESERVATIONS }).relayLimits.maxReservations)
      .to.equal(MAX_MAX_RESERVATIONS)
  })

  it('refuses invalid relay overrides', () => {
    expect(() => bootstrapStatus({ maxReservations: MAX_MAX_RESERVATIONS + 1 }))
      .to.throw(RangeError, `maxReservations must be at most ${MAX_MAX_RESERVATIONS}, got ${MAX_MAX_RESERVATIONS + 1}`)
  })
})

describe('formatStatus', () => {
  it('says what is built, what is coming, the relay and the mailbox limits', () => {
    const text = formatStatus(bootstrapStatus())
    expect(text).to.include('Hypha bootstrap node')
    expect(text).to.not.include('  - web: ')
    const pending = bootstrapStatus()
    pending.services = pending.services.map(s => s.name === 'web' ? { ...s, available: false } : s)
    expect(formatStatus(pending)).to.include('Not in this build yet')
    expect(formatStatus(pending)).to.include('  - web: ')
    expect(formatStatus(pending)).to.not.include('  - mailbox: ')
    expect(text).to.match(/max reservations: +128\n/)
    expect(text).to.match(/reservation lifetime: +2 h\n/)
    expect(text).to.match(/expired reservation sweep: every 5 min\n/)
    expect(text).to.match(/per-connection duration: +2 min\n/)
    expect(text).to.match(/per-connection data: +128 KiB\n/)
    expect(text).to.match(/stamp difficulty: +17 bits\n/)
    expect(text).to.match(/retention: +30 d\n/)
    expect(text).to.match(/largest envelope: +256 KiB\n/)
    expect(text).to.match(/per-inbox quota: +10000 envelopes, 64 MiB\n/)
    expect(text).to.match(/deposits per peer: +240 at once, then one every 250 ms\n/)
    expect(text).to.match(/expired envelope sweep: +every 5 min$/)
  })

  it('prints units that fit the values', () => {
    const text = formatStatus(bootstrapStatus({
      reservationTtl: 90_000,
      defaultDurationLimit: 1500,
      defaultDataLimit: 1000
    }))
    expect(text).to.match(/reservation lifetime: +90 s\n/)
    expect(text).to.match(/per-connection duration: +1500 ms\n/)
    expect(text).to.match(/per-connection data: +1000 B\n/)
  })

  it('omits the pending list once every service runs', () => {
    const status = bootstrapStatus()
    status.services = status.services.map(s => ({ ...s, available: true }))
    expect(formatStatus(status)).to.not.include('Not in this build yet')
  })

  it('renders MiB', () => {
    expect(formatStatus(bootstrapStatus({ defaultDataLimit: 16 * 1024 * 1024 }))).to.match(/per-connection data: +16 MiB\n/)
    expect(formatStatus(bootstrapStatus({}, { quotaBytes: 2 * 1024 ** 3, retention: 90 }))).to.match(/quota: +10000 envelopes, 2 GiB\n/)
  })
})
