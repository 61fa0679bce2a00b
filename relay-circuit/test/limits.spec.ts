import { expect } from 'aegir/chai'
import {
  relayLimits,
  DEFAULT_MAX_RESERVATIONS,
  DEFAULT_RESERVATION_TTL,
  DEFAULT_RESERVATION_CLEAR_INTERVAL,
  DEFAULT_DURATION_LIMIT,
  DEFAULT_DATA_LIMIT,
  MAX_MAX_RESERVATIONS,
  MAX_RESERVATION_TTL,
  MAX_RESERVATION_CLEAR_INTERVAL,
  MAX_DURATION_LIMIT,
  MAX_DATA_LIMIT
} from '../src/index.ts'
import type { RelayLimits, RelayLimitsInit } from '../src/index.ts'

const MAXIMA: RelayLimits = {
  maxReservations: MAX_MAX_RESERVATIONS,
  reservationTtl: MAX_RESERVATION_TTL,
  reservationClearInterval: MAX_RESERVATION_CLEAR_INTERVAL,
  defaultDurationLimit: MAX_DURATION_LIMIT,
  defaultDataLimit: MAX_DATA_LIMIT
}

describe('relayLimits', () => {
  it('returns the defaults when given nothing', () => {
    expect(relayLimits()).to.deep.equal({
      maxReservations: 128,
      reservationTtl: 2 * 60 * 60 * 1000,
      reservationClearInterval: 5 * 60 * 1000,
      defaultDurationLimit: 2 * 60 * 1000,
      defaultDataLimit: 128 * 1024
    })
    expect(relayLimits({})).to.deep.equal({
      maxReservations: DEFAULT_MAX_RESERVATIONS,
      reservationTtl: DEFAULT_RESERVATION_TTL,
      reservationClearInterval: DEFAULT_RESERVATION_CLEAR_INTERVAL,
      defaultDurationLimit: DEFAULT_DURATION_LIMIT,
      defaultDataLimit: DEFAULT_DATA_LIMIT
    })
  })

  it('keeps every default below its maximum', () => {
    const defaults = relayLimits()
    for (const name of Object.keys(MAXIMA) as Array<keyof RelayLimits>) {
      expect(defaults[name]).to.be.at.most(MAXIMA[name], name)
    }
  })

  it('applies overrides and keeps defaults for the rest', () => {
    const limits = relayLimits({ maxReservations: 256, defaultDataLimit: undefined })
    expect(limits.maxReservations).to.equal(256)
    expect(limits.defaultDataLimit).to.equal(DEFAULT_DATA_LIMIT)
  })

  it('returns a fresh object each time', () => {
    const a = relayLimits()
    a.maxReservations = 1
    expect(relayLimits().maxReservations).to.equal(DEFAULT_MAX_RESERVATIONS)
  })

  for (const name of Object.keys(MAXIMA) as Array<keyof RelayLimits>) {
    describe(name, () => {
      it('accepts 1', () => {
        expect(relayLimits({ [name]: 1 })[name]).to.equal(1)
      })

      it('accepts exactly its maximum', () => {
        expect(relayLimits({ [name]: MAXIMA[name] })[name]).to.equal(MAXIMA[name])
      })

      it('refuses one above its maximum', () => {
        const value = MAXIMA[name] + 1
        expect(() => relayLimits({ [name]: value }))
          .to.throw(RangeError, `${name} must be at most ${MAXIMA[name]}, got ${value}`)
      })

      it('refuses 0', () => {
        expect(() => relayLimits({ [name]: 0 }))
          .to.throw(RangeError, `${name} must be a positive integer, got 0`)
      })

      it('refuses negative values', () => {
        expect(() => relayLimits({ [name]: -1 }))
          .to.throw(RangeError, `${name} must be a positive integer, got -1`)
      })

      it('refuses fractions, NaN and Infinity', () => {
        expect(() => relayLimits({ [name]: 1.5 }))
          .to.throw(RangeError, `${name} must be a positive integer, got 1.5`)
        expect(() => relayLimits({ [name]: Number.NaN }))
          .to.throw(RangeError, `${name} must be a positive integer, got NaN`)
        expect(() => relayLimits({ [name]: Number.POSITIVE_INFINITY }))
          .to.throw(RangeError, `${name} must be a positive integer, got Infinity`)
      })

      it('refuses values that are not numbers', () => {
        expect(() => relayLimits({ [name]: '10' } as unknown as RelayLimitsInit))
          .to.throw(TypeError, `${name} must be a number, got string`)
        expect(() => relayLimits({ [name]: null } as unknown as RelayLimitsInit))
          .to.throw(TypeError, `${name} must be a number, got null`)
      })
    })
  }

  it('refuses unknown names', () => {
    expect(() => relayLimits({ maxReservation: 10 } as unknown as RelayLimitsInit))
      .to.throw(TypeError, 'unknown relay limit "maxReservation", expected one of maxReservations, reservationTtl, reservationClearInterval, defaultDurationLimit, defaultDataLimit')
  })

  it('refuses init that is not an object', () => {
    expect(() => relayLimits(null as unknown as RelayLimitsInit))
      .to.throw(TypeError, 'relay limits must be an object, got null')
  })
})
