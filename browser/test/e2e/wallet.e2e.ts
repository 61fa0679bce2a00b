/**
 * Sign-in with an Ethereum wallet (EIP-6963 discovery, EIP-1193 requests,
 * one EIP-191 signature): the other side knows the user as
 * did:pkh:eip155:1:<checksummed address>, and the wallet is not asked to
 * sign again for messages.
 */

import { expect } from 'aegir/chai'
import { Wallet } from 'ethers'
import {
  addContact, createIdentity, openConversation, pageErrors, received, send, tid, walletSignIn
} from './fixtures/app.ts'
import { useLocalBootstrap } from './fixtures/bootstrap.ts'
import { openUser } from './fixtures/browser.ts'
import { TEST_WALLET_RDNS, testWallet } from './fixtures/wallet.ts'

describe('wallet sign-in', function () {
  this.timeout(180_000)

  // a hypha-bootstrap for the suite; the users of each test are disposed of after it
  const local = useLocalBootstrap()

  it('signs up with an injected EIP-1193 wallet; the other side sees its did:pkh user id', async () => {
    const wallet = testWallet(Wallet.createRandom())
    const expectedId = `did:pkh:eip155:1:${wallet.wallet.address}`
    // ethers' address is the EIP-55 checksummed form
    expect(wallet.wallet.address).to.match(/^0x[0-9a-fA-F]{40}$/)

    const [alice, carol] = await Promise.all([
      openUser(local().url, 'Alice'),
      openUser(local().url, 'Carol', { prepare: wallet.prepare })
    ])
    const [aliceId, carolId] = await Promise.all([
      createIdentity(alice.page, 'Alice'),
      walletSignIn(carol.page, TEST_WALLET_RDNS, 'Carol')
    ])
    expect(carolId).to.equal(expectedId)
    expect(wallet.requests).to.include('eth_requestAccounts')
    expect(wallet.signatures()).to.equal(1)

    await Promise.all([addContact(alice.page, carolId), addContact(carol.page, aliceId)])
    await Promise.all([openConversation(alice.page, carolId), openConversation(carol.page, aliceId)])
    expect((await alice.page.locator(tid('peer-user-id')).textContent())?.trim()).to.equal(expectedId)

    await send(alice.page, 'Hello wallet user')
    await received(carol.page, 'Hello wallet user')
    await send(carol.page, 'Hello from did:pkh')
    await received(alice.page, 'Hello from did:pkh')

    // the wallet authorized the device once; messages are signed by the device key
    expect(wallet.signatures()).to.equal(1)
    expect(pageErrors(alice)).to.deep.equal([])
    expect(pageErrors(carol)).to.deep.equal([])
  })
})
