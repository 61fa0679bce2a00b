import { constants } from '@hypha/core'
import { html, nothing } from 'lit'
import { deliveryLabel, shownState } from '../delivery.ts'
import { formatTime } from '../time.ts'

/** A stored outgoing message still `sending` this long after it was written was not sent (ms) */
export const SEND_STALE_AFTER = constants.PUBLISH_TIMEOUT + 15_000

/** The meta line of a stored message: when it was sent and, outgoing, its delivery state (or that it never went out) */
export function storedMeta (m: { direction: 'in' | 'out', state?: string, mailboxes?: number, sentAt: number, storedAt: number }): unknown {
  const out = m.direction === 'out'
  const state = shownState(m)
  const stale = out && state === 'sending' && Date.now() - m.storedAt > SEND_STALE_AFTER
  return html`
    <span class="meta">
      <time datetime=${new Date(m.sentAt).toISOString()}>${formatTime(m.sentAt)}</time>
      ${out ? html` · <span class=${stale ? 'failed' : ''}>${stale ? 'not sent (no peer, no mailbox reached)' : deliveryLabel(state, m.mailboxes)}</span>` : nothing}
    </span>`
}
