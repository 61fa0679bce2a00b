/**
 * Groups and channels across the two kinds of peer: a five-member group of
 * two browser profiles (Alice, the admin, creates it in the app; Bob) and
 * three `hypha` command-line members (Carol and Dave listening with
 * `listen --json`, Erin offline between her commands), on one local
 * hypha-bootstrap.
 *
 * Every member gets every message exactly once, from the browser admin, a
 * CLI member and the other browser. A member that was offline (Bob's closed
 * browser, Erin without a listener) gets what it missed when it comes back
 * (the app's start, `hypha sync`). Once Alice removes Dave in the app, Dave's
 * listener still sees envelopes on the group's topic but prints no group
 * message any more. Bob leaves: his view turns read-only. A channel: Alice
 * creates it and posts, Erin joins with its link from the CLI and reads the
 * post, Bob joins by opening the link in the app and reads it with no post box.
 */

import { expect } from 'aegir/chai'
import {
  addContact, countMessages, createIdentity, DELIVERY_TIMEOUT, groupConversation, message, messageState, openConversation, openGroup, pageErrors,
  received, send, SIGN_UP_TIMEOUT, tid, waitForMembers, waitUntil
} from './fixtures/app.ts'
import { useLocalBootstrap } from './fixtures/bootstrap.ts'
import { openUser, screenshot } from './fixtures/browser.ts'
import { cliUser, disposeCliUsers, linesOf, tcpAddress } from './fixtures/cli.ts'
import type { AppUser } from './fixtures/browser.ts'
import type { CliLine, CliListener, CliUser } from './fixtures/cli.ts'
import type { Page } from 'playwright-core'

/**
 * Sender keys travel in 1:1 messages after a join or a removal; a message
 * whose key has not arrived is held and opened when it does (nothing is lost),
 * and a new member's subscription to the group's topic reaches the mesh at the
 * next gossipsub heartbeat. Sends start this long after every member shows
 * the same member list, so that they go out live rather than from a mailbox.
 */
const KEY_SETTLE = 2_000

/** After the other members got a message, how long a removed member's listener is given to (wrongly) print it */
const REMOVED_SETTLE = 3_000

async function waitOnline (user: AppUser): Promise<void> {
  await waitUntil(`${user.name} online`, async () =>
    await user.page.locator(tid('online-state')).getAttribute('data-state', { timeout: 1000 }) === 'online' ? true : undefined, SIGN_UP_TIMEOUT)
}

/** A listener's group-message lines of one group with this text */
function groupMessages (lines: readonly CliLine[], group: string, text: string): CliLine[] {
  return linesOf(lines, 'group-message').filter(line => line.group === group && line.text === text)
}

/** Waits until a listener printed the group message `text` of `group` */
async function heard (listener: CliListener, who: string, group: string, text: string): Promise<CliLine> {
  return listener.waitFor(`${who} hears ${JSON.stringify(text)}`, line => line.type === 'group-message' && line.group === group && line.text === text, DELIVERY_TIMEOUT)
}

/** Sends in the open group or channel view and waits until it is out: sent, or stored at a mailbox or more */
async function sendInGroup (page: Page, text: string): Promise<{ state: string, mailboxes: number }> {
  const bubble = await send(page, text)
  // the view's error line says why a send failed or reached no mailbox
  const why = async (): Promise<string> => {
    const error = page.locator(tid('group-error'))
    return await error.count() > 0 ? `the view says: ${await error.textContent()}` : 'no error shown'
  }
  let shown: { state: string, mailboxes: number }
  try {
    shown = await messageState(bubble, ['sent', 'stored'], DELIVERY_TIMEOUT)
  } catch (err: any) {
    throw new Error(`${err.message}; ${await why()}`)
  }
  expect(shown.state, `${text}: ${await why()}`).to.equal('stored')
  expect(shown.mailboxes, text).to.be.at.least(1)
  return shown
}

describe('groups and channels: browser and hypha CLI members', function () {
  this.timeout(480_000)

  // a hypha-bootstrap for the suite; the users of each test are disposed of after it
  const local = useLocalBootstrap()
  afterEach(async () => { await disposeCliUsers() })

  it('a 5-member group: exactly-once delivery, offline catch-up, removal, leaving; a channel read from the CLI and the app', async () => {
    const boot = tcpAddress(local())
    const url = local().url

    // --- five people --------------------------------------------------------
    const [alice, bob] = await Promise.all([openUser(url, 'Alice'), openUser(url, 'Bob')])
    const [carol, dave, erin] = await Promise.all(['Carol', 'Dave', 'Erin'].map(async name => cliUser(boot, name))) as [CliUser, CliUser, CliUser]
    const [aliceId, bobId] = await Promise.all([createIdentity(alice.page, 'Alice'), createIdentity(bob.page, 'Bob')])
    // online once, so their device records are on the DHT; Carol and Dave stay online, Erin goes
    const [carolHears, daveHears] = await Promise.all([carol.listen(), dave.listen(['--envelopes']), erin.run(['sync'])])
    await Promise.all([waitOnline(alice), waitOnline(bob)])

    // Bob is Alice's contact (named "Bob"); the CLI members are not: Alice pastes their ids
    await addContact(alice.page, bobId)
    await openConversation(alice.page, bobId)
    await alice.page.locator(tid('alias-input')).fill('Bob')
    await alice.page.locator(tid('rename-contact')).click()

    // --- Alice creates the group in the app ------------------------------------
    await alice.page.locator(tid('new-group-open')).click()
    await alice.page.locator(tid('group-name-input')).fill('Hyphae', { timeout: DELIVERY_TIMEOUT })
    await alice.page.locator(`${tid('member-option')}[data-user-id="${bobId}"]`).check()
    await alice.page.locator(tid('member-ids-input')).fill([carol.userId, dave.userId, erin.userId].join('\n'))
    await alice.page.locator(tid('group-create-submit')).click()
    const groupId = await alice.page.locator(tid('group-id')).getAttribute('data-group-id', { timeout: DELIVERY_TIMEOUT }) ?? ''
    expect(groupId).to.match(/^[0-9a-f]{64}$/)
    const everyone = [aliceId, bobId, carol.userId, dave.userId, erin.userId]
    const aliceMembers = await waitForMembers(alice.page, everyone)
    expect(aliceMembers.filter(m => m.admin).map(m => m.userId)).to.deep.equal([aliceId])
    expect(await alice.page.locator(tid('admin-badge')).count()).to.equal(1)

    // every member knows the same five: Bob's app, Carol's and Dave's listeners, Erin's sync
    const isFullGroup = (line: CliLine): boolean => line.type === 'group' && line.id === groupId && line.member === true && line.members.length === 5
    await groupConversation(bob.page, groupId).waitFor({ timeout: DELIVERY_TIMEOUT })
    await openGroup(bob.page, groupId)
    await waitForMembers(bob.page, everyone)
    const [carolGroup] = await Promise.all([
      carolHears.waitFor('the group with 5 members', isFullGroup, DELIVERY_TIMEOUT),
      daveHears.waitFor('the group with 5 members', isFullGroup, DELIVERY_TIMEOUT)
    ])
    expect([...carolGroup.members].sort()).to.deep.equal([...everyone].sort())
    const erinJoined = await erin.run(['sync'])
    expect(erinJoined.lines.some(isFullGroup), JSON.stringify(erinJoined.lines)).to.be.true()
    const topic: string = carolGroup.topic
    await new Promise(resolve => setTimeout(resolve, KEY_SETTLE))

    // --- messages: the browser admin, a CLI member, while members are away ---------
    const m1 = 'Hello Hyphae, Alice here (from the app)'
    const m2 = '<b>Erin</b> says hi from the command line'
    const m3 = 'While Bob and Erin were away'
    await sendInGroup(alice.page, m1)
    await received(bob.page, m1)
    await Promise.all([heard(carolHears, 'Carol', groupId, m1), heard(daveHears, 'Dave', groupId, m1)])
    expect(await message(bob.page, 'in', m1).getAttribute('data-from')).to.equal(aliceId)

    // Erin, offline until now, writes from the command line
    const erinSent = await erin.run(['group', 'send', 'Hyphae', m2])
    const sentLine = erinSent.lines.find(line => line.type === 'group-sent')
    expect(sentLine?.group).to.equal(groupId)
    expect(sentLine?.published > 0 || sentLine?.stored > 0, JSON.stringify(sentLine)).to.be.true()
    await Promise.all([received(alice.page, m2), received(bob.page, m2)])
    await Promise.all([heard(carolHears, 'Carol', groupId, m2), heard(daveHears, 'Dave', groupId, m2)])
    // markup from the network is text
    for (const user of [alice, bob]) {
      const bubble = message(user.page, 'in', m2)
      expect(await bubble.getAttribute('data-from'), user.name).to.equal(erin.userId)
      expect(await bubble.locator(tid('message-text')).evaluate(el => el.textContent), user.name).to.equal(m2)
      expect(await bubble.locator(`${tid('message-text')} b`).count(), user.name).to.equal(0)
    }
    expect(await message(alice.page, 'in', m2).locator(tid('message-sender')).textContent()).to.equal(`…${erin.userId.slice(-8)}`)

    // Bob closes his browser; Erin has no process running: both miss m3 live
    await bob.close()
    await sendInGroup(alice.page, m3)
    await Promise.all([heard(carolHears, 'Carol', groupId, m3), heard(daveHears, 'Dave', groupId, m3)])

    // Bob comes back: the group counts one unread, then shows it
    await bob.reopen()
    await waitUntil('1 unread message in the group', async () => {
      const unread = await groupConversation(bob.page, groupId).locator(tid('unread')).textContent({ timeout: 1000 })
      return unread?.trim() === '1' ? true : undefined
    }, DELIVERY_TIMEOUT)
    await openGroup(bob.page, groupId)
    await received(bob.page, m3)
    expect(await message(bob.page, 'in', m1).locator(tid('message-sender')).textContent()).to.equal(`…${aliceId.slice(-8)}`)

    // Erin comes back: `hypha sync` prints what she missed, once each
    const erinBack = await erin.run(['sync'])
    expect(groupMessages(erinBack.lines, groupId, m1), 'Erin gets m1').to.have.length(1)
    expect(groupMessages(erinBack.lines, groupId, m3), 'Erin gets m3').to.have.length(1)
    expect(groupMessages(erinBack.lines, groupId, m2), 'not her own m2').to.have.length(0)
    expect(groupMessages(erinBack.lines, groupId, m1)[0].from).to.equal(aliceId)
    const erinAll = [...erinJoined.lines, ...erinSent.lines, ...erinBack.lines]
    for (const text of [m1, m3]) {
      expect(groupMessages(erinAll, groupId, text), `Erin, every command together: ${text}`).to.have.length(1)
    }

    // --- Alice removes Dave in the app -----------------------------------------------
    await alice.page.locator(`${tid('group-member')}[data-user-id="${dave.userId}"] ${tid('member-remove')}`).click()
    const four = [aliceId, bobId, carol.userId, erin.userId]
    await waitForMembers(alice.page, four)
    const removedLine = await daveHears.waitFor('the removal', line => line.type === 'group' && line.id === groupId && line.member === false, DELIVERY_TIMEOUT)
    await carolHears.waitFor('the group without Dave', line => line.type === 'group' && line.id === groupId && line.members.length === 4, DELIVERY_TIMEOUT)
    await waitForMembers(bob.page, four)
    expect(removedLine.members).to.not.include(dave.userId)
    await new Promise(resolve => setTimeout(resolve, KEY_SETTLE))
    // what Dave's listener prints from here on (the envelope that told him of his removal came before)
    const quietFrom = daveHears.lines.length

    const m4 = 'After Dave was removed (Alice)'
    const m5 = 'Bob writes after the removal'
    await sendInGroup(alice.page, m4)
    await Promise.all([received(bob.page, m4), heard(carolHears, 'Carol', groupId, m4)])
    await sendInGroup(bob.page, m5)
    await Promise.all([received(alice.page, m5), heard(carolHears, 'Carol', groupId, m5)])
    expect(await message(alice.page, 'in', m5).locator(tid('message-sender')).textContent()).to.equal('Bob')
    await new Promise(resolve => setTimeout(resolve, REMOVED_SETTLE))
    // Dave still sees the group's envelopes go by, and opens none of them
    expect(groupMessages(daveHears.lines, groupId, m4), 'Dave must not read m4').to.have.length(0)
    expect(groupMessages(daveHears.lines, groupId, m5), 'Dave must not read m5').to.have.length(0)
    const after = daveHears.lines.slice(quietFrom)
    expect(linesOf(after, 'group-message').filter(line => line.group === groupId)).to.deep.equal([])
    const envelopes = linesOf(after, 'envelope').filter(line => line.topic === topic)
    expect(envelopes.length, 'envelopes on the group topic after the removal').to.be.at.least(2)
    expect(envelopes.filter(line => line.decrypted === true), 'none of them opened').to.deep.equal([])

    // exactly once, everywhere
    for (const [who, lines, texts] of [
      ['Carol', carolHears.lines, [m1, m2, m3, m4, m5]],
      ['Dave', daveHears.lines, [m1, m2, m3]]
    ] as const) {
      for (const text of texts) {
        expect(groupMessages(lines, groupId, text), `${who}: ${text}`).to.have.length(1)
      }
    }
    for (const [user, texts] of [[alice, [m1, m2, m3, m4, m5]], [bob, [m1, m2, m3, m4, m5]]] as const) {
      for (const text of texts) {
        expect(await countMessages(user.page, text), `${user.name}: ${text}`).to.equal(1)
      }
    }
    await alice.page.locator(tid('message-input')).fill('')
    await screenshot(alice.page, 'group')

    // --- Bob leaves: read-only ------------------------------------------------------
    await bob.page.locator(tid('group-leave')).click()
    await bob.page.locator(tid('group-leave-confirm')).click()
    await bob.page.locator(tid('group-removed')).waitFor({ timeout: DELIVERY_TIMEOUT })
    expect(await bob.page.locator(tid('message-input')).count()).to.equal(0)
    await waitForMembers(alice.page, [aliceId, carol.userId, erin.userId])

    // --- a channel: Alice owns it, Erin (CLI) and Bob (app) read it --------------------
    await carolHears.stop()
    await daveHears.stop()
    await alice.page.locator(tid('new-group-open')).click()
    await alice.page.locator(tid('channel-name-input')).fill('Hypha news', { timeout: DELIVERY_TIMEOUT })
    await alice.page.locator(tid('channel-create-submit')).click()
    const link = (await alice.page.locator(tid('channel-invite-link')).textContent({ timeout: DELIVERY_TIMEOUT }) ?? '').trim()
    expect(link.startsWith(`${url}#/channel/`), link).to.be.true()

    const joined = await erin.run(['channel', 'join', link])
    const channelLine = joined.lines.find(line => line.type === 'channel')
    expect(channelLine?.name).to.equal('Hypha news')
    expect(channelLine?.owner).to.equal(aliceId)
    expect(channelLine?.admin).to.equal(false)
    const channelId: string = channelLine?.id
    const erinReads = await erin.listen()

    // Bob opens the link in the app: the join form is filled in
    await bob.page.goto(link)
    await waitUntil('the channel link in the join form', async () =>
      (await bob.page.locator(tid('channel-join-input')).inputValue({ timeout: 1000 })).endsWith(link.slice(link.indexOf('#'))) ? true : undefined, DELIVERY_TIMEOUT)
    await bob.page.locator(tid('channel-join-submit')).click()
    await bob.page.locator(tid('channel-read-only')).waitFor({ timeout: DELIVERY_TIMEOUT })
    expect(await bob.page.locator(tid('message-input')).count()).to.equal(0)
    expect(await bob.page.locator(tid('channel-owner')).getAttribute('data-user-id')).to.equal(aliceId)

    // the readers announced themselves to the owner
    await alice.page.locator(`${tid('channel-reader')}[data-user-id="${erin.userId}"]`).waitFor({ state: 'attached', timeout: DELIVERY_TIMEOUT })
    await new Promise(resolve => setTimeout(resolve, KEY_SETTLE))
    const post = 'First post of Hypha news'
    await sendInGroup(alice.page, post)
    const erinPost = await heard(erinReads, 'Erin', channelId, post)
    expect(erinPost.kind).to.equal('channel')
    expect(erinPost.from).to.equal(aliceId)
    await received(bob.page, post)
    await screenshot(alice.page, 'channel')
    expect(groupMessages(erinReads.lines, channelId, post)).to.have.length(1)
    expect(await countMessages(bob.page, post)).to.equal(1)

    expect(linesOf(erinReads.lines, 'group-rejected')).to.deep.equal([])
    expect(pageErrors(alice)).to.deep.equal([])
    expect(pageErrors(bob)).to.deep.equal([])
  })
})
