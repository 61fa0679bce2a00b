import { expect } from 'aegir/chai'
import { parseBootstrapList } from '../src/index.ts'

describe('parseBootstrapList', () => {
  it('splits, trims and drops empty entries', () => {
    expect(parseBootstrapList(' /ip4/127.0.0.1/tcp/4001/ws , /dns4/boot.example/tcp/443/wss ,,'))
      .to.deep.equal(['/ip4/127.0.0.1/tcp/4001/ws', '/dns4/boot.example/tcp/443/wss'])
  })

  it('reads one address', () => {
    expect(parseBootstrapList('/ip6/::1/tcp/4001')).to.deep.equal(['/ip6/::1/tcp/4001'])
  })

  it('returns an empty list for nothing', () => {
    expect(parseBootstrapList(undefined)).to.deep.equal([])
    expect(parseBootstrapList('')).to.deep.equal([])
    expect(parseBootstrapList(' , ,')).to.deep.equal([])
  })

  it('refuses entries that are not multiaddrs', () => {
    expect(() => parseBootstrapList('/ip4/127.0.0.1/tcp/1, 127.0.0.1:4001'))
      .to.throw(TypeError, 'invalid bootstrap multiaddr "127.0.0.1:4001": a multiaddr starts with "/"')
    expect(() => parseBootstrapList('ws://boot.example'))
      .to.throw(TypeError, 'invalid bootstrap multiaddr "ws://boot.example": a multiaddr starts with "/"')
  })

  it('refuses values that are not strings', () => {
    // @ts-expect-error: a number is not a list
    expect(() => parseBootstrapList(42)).to.throw(TypeError, 'bootstrap list must be a string, got number')
  })
})
