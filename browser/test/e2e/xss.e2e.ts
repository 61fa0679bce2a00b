/**
 * Message text is text: markup typed by one side is shown literally on both
 * sides and runs nothing. The markers would show in the page title or the
 * console if any of it ran; a CSP report in the console would mean the markup
 * was parsed (and only the policy stopped it).
 */

import { expect } from 'aegir/chai'
import { message, received, send, tid, twoContacts } from './fixtures/app.ts'
import { useLocalBootstrap } from './fixtures/bootstrap.ts'

const PAYLOAD = '<img src=x onerror="document.title=\'XSS-MARKER-IMG\';console.log(\'XSS-MARKER-IMG\')">' +
  '<script>document.title=\'XSS-MARKER-SCRIPT\';console.log(\'XSS-MARKER-SCRIPT\')</script><b>bold?</b> &amp; done'

/** How long a handler would have to run after the message is shown (an image error fires within ms) */
const SETTLE = 1500

describe('message text is not markup', function () {
  this.timeout(180_000)

  // a hypha-bootstrap for the suite; the users of each test are disposed of after it
  const local = useLocalBootstrap()

  it('shows <img onerror> and <script> literally on both sides and runs neither', async () => {
    const { alice, bob } = await twoContacts(local().url)
    const titles = [await alice.page.title(), await bob.page.title()]

    await send(alice.page, PAYLOAD)
    await received(bob.page, PAYLOAD)
    await new Promise(resolve => setTimeout(resolve, SETTLE))

    for (const [user, direction] of [[alice, 'out'], [bob, 'in']] as const) {
      const text = message(user.page, direction, PAYLOAD).locator(tid('message-text'))
      expect(await text.evaluate(el => el.textContent), user.name).to.equal(PAYLOAD)
      expect(await text.locator('img, script, b').count(), user.name).to.equal(0)
      expect(user.log.filter(line => /XSS-MARKER|Refused to execute inline/.test(line)), user.name).to.deep.equal([])
    }
    expect([await alice.page.title(), await bob.page.title()]).to.deep.equal(titles)
    expect(titles.join(' ')).to.not.include('XSS')
  })
})
