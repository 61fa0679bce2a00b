import { parseUserId, verifyDeviceList } from '@hypha/core'
import { expect } from 'aegir/chai'
import { Wallet, getBytes, isHexString } from 'ethers'
import { MAX_WALLET_PROVIDERS, checkAnnouncement, createWalletIdentityWith, utf8Hex, walletSigner, watchWalletProviders } from '../src/wallet/eip6963.ts'
import type { Eip1193Provider } from '../src/wallet/eip6963.ts'

const ICON = 'data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg"/%3E'

/** An EIP-1193 provider backed by an ethers wallet, recording the requests */
function provider (wallet: Wallet, requests: Array<{ method: string, params?: unknown[] }> = []): Eip1193Provider {
  return {
    async request ({ method, params }) {
      requests.push({ method, params })
      if (method === 'eth_requestAccounts') { return [wallet.address] }
      if (method === 'personal_sign') {
        const [message] = params as [string, string]
        return wallet.signMessage(isHexString(message) ? getBytes(message) : message)
      }
      throw new Error(`unsupported ${method}`)
    }
  }
}

describe('EIP-6963 discovery', () => {
  it('keeps well-formed announcements, once each', () => {
    const target = new EventTarget()
    const seen: string[][] = []
    const wallet = { request: async () => [] }
    target.addEventListener('eip6963:requestProvider', () => {
      const announce = (detail: unknown): void => { target.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail })) }
      announce({ info: { uuid: 'a', name: 'Wallet A', icon: ICON, rdns: 'org.a' }, provider: wallet })
      announce({ info: { uuid: 'a', name: 'Wallet A again', icon: ICON, rdns: 'org.a' }, provider: wallet })
      announce({ info: { uuid: 'b', name: 'Wallet B', icon: 'https://tracker.example/icon.png', rdns: 'org.b' }, provider: wallet })
      announce({ info: { uuid: 'c', name: '', icon: ICON, rdns: 'org.c' }, provider: wallet })
      announce({ info: { uuid: 'd', name: 'No provider', icon: ICON, rdns: 'org.d' } })
      announce('nonsense')
    })
    const stop = watchWalletProviders(list => { seen.push(list.map(p => `${p.info.rdns}:${p.info.icon === '' ? 'no icon' : 'icon'}`)) }, target)
    stop()
    expect(seen).to.deep.equal([['org.a:icon'], ['org.a:icon', 'org.b:no icon']])
  })

  it(`lists at most ${MAX_WALLET_PROVIDERS} wallets`, () => {
    const target = new EventTarget()
    let last = 0
    target.addEventListener('eip6963:requestProvider', () => {
      for (let i = 0; i < MAX_WALLET_PROVIDERS + 5; i++) {
        target.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail: { info: { uuid: `u${i}`, name: `W${i}`, icon: '', rdns: `org.w${i}` }, provider: { request: async () => [] } } }))
      }
    })
    watchWalletProviders(list => { last = list.length }, target)()
    expect(last).to.equal(MAX_WALLET_PROVIDERS)
  })

  it('checks announcements', () => {
    expect(checkAnnouncement(null)).to.equal(undefined)
    expect(checkAnnouncement({ info: { uuid: 'x'.repeat(65), name: 'W', rdns: 'r' }, provider: { request: async () => {} } })).to.equal(undefined)
    expect(checkAnnouncement({ info: { uuid: 'u', name: ' W ', rdns: 'r', icon: ICON }, provider: { request: async () => {} } })?.info)
      .to.deep.equal({ uuid: 'u', name: 'W', icon: ICON, rdns: 'r' })
  })
})

describe('wallet signer', () => {
  it('hex-encodes the UTF-8 bytes for personal_sign', () => {
    expect(utf8Hex('')).to.equal('0x')
    expect(utf8Hex('Hi ü')).to.equal('0x486920c3bc')
  })

  it('signs a SIWE device authorization that core verifies', async () => {
    const wallet = Wallet.createRandom()
    const requests: Array<{ method: string, params?: unknown[] }> = []
    const identity = await createWalletIdentityWith(provider(wallet as unknown as Wallet, requests), { name: 'Carol', domain: '127.0.0.1:8080', uri: 'http://127.0.0.1:8080' })
    expect(identity.userId).to.equal(`did:pkh:eip155:1:${wallet.address}`)
    expect(parseUserId(identity.userId).kind).to.equal('pkh')
    expect(identity.name).to.equal('Carol')
    await verifyDeviceList(identity.deviceList, identity.userId)
    expect(identity.deviceList.siwe?.domain).to.equal('127.0.0.1:8080')
    expect(identity.deviceList.siwe?.uri).to.equal('http://127.0.0.1:8080')
    expect(requests.map(r => r.method)).to.deep.equal(['eth_requestAccounts', 'personal_sign'])
    const [message, address] = requests[1].params as [string, string]
    expect(message).to.match(/^0x[0-9a-f]+$/)
    expect(address).to.equal(wallet.address)
  })

  it('turns refusals into WalletError', async () => {
    const refusing: Eip1193Provider = { request: async () => { throw new Error('User rejected the request.') } }
    await expect(walletSigner(refusing)).to.eventually.be.rejected.with.property('name', 'WalletError')
    const empty: Eip1193Provider = { request: async () => [] }
    await expect(walletSigner(empty)).to.eventually.be.rejected.with.property('name', 'WalletError')
    const noSignature: Eip1193Provider = { request: async ({ method }) => method === 'eth_requestAccounts' ? ['0x' + '1'.repeat(40)] : 42 }
    const signer = await walletSigner(noSignature)
    await expect(signer.signMessage('x')).to.eventually.be.rejected.with.property('name', 'WalletError')
  })
})
