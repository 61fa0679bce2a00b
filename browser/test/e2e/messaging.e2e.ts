/**
 * Two people, each in their own Chromium profile, on a real hypha-bootstrap
 * serving the built app: sign-up, contacts by user id, messages both ways,
 * a direct WebRTC connection between the tabs, safety numbers.
 */

import { safetyNumber } from '@hypha/core'
import { expect } from 'aegir/chai'
import {
  addContact, connections, createIdentity, messageState, myUserId, openConversation, pageErrors, received, send, tid, twoContacts,
  waitUntil, WEBRTC_TIMEOUT
} from './fixtures/app.ts'
import { useLocalBootstrap } from './fixtures/bootstrap.ts'
import { openUser, screenshot } from './fixtures/browser.ts'
import type { ConnectionInfo } from './fixtures/app.ts'

describe('two tabs on a local bootstrap node', function () {
  this.timeout(180_000)

  // a hypha-bootstrap for the suite; the users of each test are disposed of after it
  const local = useLocalBootstrap()

  it('sign up, add each other by user id, talk both ways, and end up on a direct WebRTC connection', async () => {
    const [alice, bob] = await Promise.all([openUser(local().url, 'Alice'), openUser(local().url, 'Bob')])
    await alice.page.locator(tid('create-identity')).waitFor()
    await screenshot(alice.page, 'onboarding')

    const [aliceId, bobId] = await Promise.all([createIdentity(alice.page, 'Alice'), createIdentity(bob.page, 'Bob')])
    expect(aliceId).to.match(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/)
    expect(bobId).to.match(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/)
    expect(aliceId).to.not.equal(bobId)
    // the invite link (a link, a field or text) carries the user id in the fragment
    const invite = await alice.page.locator(tid('invite-link')).first()
      .evaluate(el => el.getAttribute('href') ?? (el as HTMLInputElement).value ?? el.textContent ?? '')
    expect(invite).to.include(`#/add/${encodeURIComponent(aliceId)}`)
    await alice.page.locator(tid('invite-qr-show')).click()
    await alice.page.locator(tid('invite-qr')).first().waitFor()

    for (const user of [alice, bob]) {
      await waitUntil(`${user.name} online`, async () => await user.page.locator(tid('online-state')).getAttribute('data-state') === 'online' ? true : undefined, 30_000)
    }

    await Promise.all([addContact(alice.page, bobId), addContact(bob.page, aliceId)])
    await Promise.all([openConversation(alice.page, bobId), openConversation(bob.page, aliceId)])

    const hello = await send(alice.page, 'Hello Bob, it is Alice.')
    await received(bob.page, 'Hello Bob, it is Alice.')
    const reply = await send(bob.page, 'Hi Alice! Bob here.')
    await received(alice.page, 'Hi Alice! Bob here.')
    const second = await send(alice.page, 'Second message from Alice')
    await received(bob.page, 'Second message from Alice')
    for (const bubble of [hello, reply, second]) {
      expect((await messageState(bubble, ['delivered'])).state).to.equal('delivered')
    }
    expect(await myUserId(alice.page)).to.equal(aliceId)
    await screenshot(alice.page, 'chat')

    // the connection panel: the bootstrap node over WebSockets, the other tab over WebRTC
    await alice.page.locator(tid('connections-open')).click()
    await bob.page.locator(tid('connections-open')).click()
    const direct = (rows: ConnectionInfo[]): ConnectionInfo | undefined => rows.find(row => row.kind === 'peer' && row.transport === 'webrtc')
    const [aliceRows, bobRows] = await waitUntil('a direct WebRTC connection in both tabs', async () => {
      const rows = await Promise.all([connections(alice.page), connections(bob.page)])
      return direct(rows[0]) != null && direct(rows[1]) != null ? rows : undefined
    }, WEBRTC_TIMEOUT)

    // nothing third-party: every request and socket went to the local node (the app and config.json, its WebSocket)
    const remote = [...alice.requests, ...bob.requests].filter(url => /^(https?|wss?):/.test(url) && new URL(url).hostname !== '127.0.0.1')
    expect(remote).to.deep.equal([])
    expect(alice.requests.some(url => url.startsWith('ws://127.0.0.1:'))).to.be.true()

    for (const rows of [aliceRows, bobRows]) {
      expect(rows.filter(row => row.kind === 'bootstrap').map(row => row.peerId)).to.include(local().peerId)
      expect(rows.find(row => row.kind === 'bootstrap')?.transport).to.equal('websockets')
      // the mesh holds the bootstrap node and the two tabs: every peer row is the other tab
      expect(new Set(rows.filter(row => row.kind === 'peer').map(row => row.peerId)).size).to.equal(1)
    }
    const bobTab = direct(aliceRows)?.peerId
    const aliceTab = direct(bobRows)?.peerId
    expect(bobTab).to.not.equal(aliceTab)
    expect([bobTab, aliceTab]).to.not.include(local().peerId)
    // the panel may also show the tab's own peer id (not in the required test ids): then it must be what the other tab sees
    const ownPeerIds = await Promise.all([alice, bob].map(async user => {
      const own = user.page.locator(tid('my-peer-id'))
      return await own.count() > 0 ? (await own.first().textContent())?.trim() : undefined
    }))
    if (ownPeerIds[0] != null) { expect(aliceTab).to.equal(ownPeerIds[0]) }
    if (ownPeerIds[1] != null) { expect(bobTab).to.equal(ownPeerIds[1]) }

    expect(pageErrors(alice)).to.deep.equal([])
    expect(pageErrors(bob)).to.deep.equal([])
  })

  it('shows the same safety number on both sides, and a badge once verified', async () => {
    const { alice, bob, aliceId, bobId } = await twoContacts(local().url)
    // a message first: the safety number names both identities, known once the contact's records are fetched
    await send(alice.page, 'ping')
    await received(bob.page, 'ping')

    const numbers: string[] = []
    for (const user of [alice, bob]) {
      await user.page.locator(tid('safety-number-open')).click()
      const text = await user.page.locator(tid('safety-number')).textContent()
      await user.page.locator(tid('safety-qr')).waitFor()
      numbers.push((text ?? '').replace(/\s+/g, ''))
    }
    expect(numbers[0]).to.equal(safetyNumber(aliceId, bobId))
    expect(numbers[1]).to.equal(numbers[0])
    await screenshot(alice.page, 'safety-number')

    await alice.page.locator(tid('mark-verified')).click()
    await alice.page.locator(tid('verified-badge')).first().waitFor()
    expect(await bob.page.locator(tid('verified-badge')).count()).to.equal(0)
  })

  it('renames a contact locally', async () => {
    const { alice, bobId } = await twoContacts(local().url)
    await alice.page.locator(tid('alias-input')).fill('Bobby')
    await alice.page.locator(tid('rename-contact')).click()
    await waitUntil('the alias in the conversation list', async () => {
      const text = await alice.page.locator(`${tid('conversation')}[data-user-id="${bobId}"]`).textContent()
      return text?.includes('Bobby') === true ? true : undefined
    }, 10_000)
    // the user id stays what it is
    expect((await alice.page.locator(tid('peer-user-id')).textContent())?.trim()).to.equal(bobId)
  })
})
