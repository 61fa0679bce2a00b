/**
 * Offline delivery: the recipient's tab is closed, the sender's messages are
 * stored at the bootstrap node's mailbox, and they appear, in order, when the
 * recipient opens the app again (same browser profile, same storage).
 */

import { expect } from 'aegir/chai'
import {
  conversation, DELIVERY_TIMEOUT, message, messageState, openConversation, pageErrors, received, send, tid, twoContacts, waitUntil
} from './fixtures/app.ts'
import { useLocalBootstrap } from './fixtures/bootstrap.ts'

describe('offline delivery through the mailbox', function () {
  this.timeout(240_000)

  // a hypha-bootstrap for the suite; the users of each test are disposed of after it
  const local = useLocalBootstrap()

  it('stores messages for a closed tab and shows them when it is opened again', async () => {
    const { alice, bob, aliceId } = await twoContacts(local().url)
    // both online once: each has the other's records, and the session exists
    await send(alice.page, 'before')
    await received(bob.page, 'before')
    await send(bob.page, 'before, back')
    await received(alice.page, 'before, back')

    await bob.close()

    const texts = ['while you were away 1', 'while you were away 2', 'while you were away 3']
    for (const text of texts) {
      const bubble = await send(alice.page, text)
      const { state, mailboxes } = await messageState(bubble, ['stored', 'delivered'], DELIVERY_TIMEOUT)
      expect(state, text).to.equal('stored')
      expect(mailboxes, text).to.be.at.least(1)
    }

    await bob.reopen()
    // the conversation list counts what came from the mailbox
    await waitUntil('3 unread messages from Alice', async () => {
      const unread = await conversation(bob.page, aliceId).locator(tid('unread')).textContent({ timeout: 1000 })
      return unread?.trim() === '3' ? true : undefined
    }, DELIVERY_TIMEOUT)
    await openConversation(bob.page, aliceId)
    for (const text of texts) {
      await received(bob.page, text)
    }
    const shown = await bob.page.locator(`${tid('message')}[data-direction="in"] ${tid('message-text')}`).allTextContents()
    expect(shown).to.deep.equal(['before', ...texts])

    // Bob's receipts reach Alice
    for (const text of texts) {
      expect((await messageState(message(alice.page, 'out', text), ['delivered'])).state).to.equal('delivered')
    }
    expect(pageErrors(alice)).to.deep.equal([])
    expect(pageErrors(bob)).to.deep.equal([])
  })
})
