import { expect } from 'aegir/chai'
import { relayLimits, relayServerOptions } from '../src/index.ts'

describe('relayServerOptions', () => {
  it('maps the relay limits onto circuitRelayServer\'s reservation options', () => {
    expect(relayServerOptions(relayLimits({ maxReservations: 7, defaultDataLimit: 4096 }))).to.deep.equal({
      reservations: {
        maxReservations: 7,
        reservationTtl: 2 * 60 * 60 * 1000,
        reservationClearInterval: 5 * 60 * 1000,
        applyDefaultLimit: true,
        defaultDurationLimit: 2 * 60 * 1000,
        defaultDataLimit: 4096n
      }
    })
  })
})
