/**
 * The delivery state an outgoing message shows. Core's states are sending,
 * sent, stored (every recipient device's envelope has MIN_STORED_RECEIPTS
 * mailbox receipts) and delivered. The app says "stored" as soon as one
 * mailbox signed a receipt: the message then waits for an offline recipient
 * somewhere, and the count is shown beside it ("stored at N mailboxes").
 */

export type ShownState = 'sending' | 'sent' | 'stored' | 'delivered'

export function shownState (message: { state?: string, mailboxes?: number }): ShownState {
  switch (message.state) {
    case 'delivered': return 'delivered'
    case 'stored': return 'stored'
    case 'sent': return (message.mailboxes ?? 0) > 0 ? 'stored' : 'sent'
    default: return 'sending'
  }
}

/** What the state says in words */
export function deliveryLabel (state: ShownState, mailboxes = 0): string {
  const at = `${mailboxes} mailbox${mailboxes === 1 ? '' : 'es'}`
  switch (state) {
    case 'delivered': return 'delivered'
    case 'stored': return `stored at ${at}`
    case 'sent': return 'sent'
    default: return 'sending…'
  }
}
