import { formatSafetyNumber, safetyNumber, safetyQrPayload } from '@hypha/core'
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { EventsController } from '../controllers/events-controller.ts'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { HyphaClient } from '../hypha-client.ts'
import type { Contact } from '@hypha/core'
import type { PropertyValues } from 'lit'
import './qr-code.ts'

/**
 * The safety number of this user and a contact: 60 digits (12 groups of 5)
 * and a QR code, the same on both sides. Once compared in person or over a
 * trusted channel, the contact can be marked verified.
 */
@customElement('safety-number-screen')
export class SafetyNumberScreen extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; padding: 1rem; max-width: 40rem; }
    .digits { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 1.2rem; display: grid; grid-template-columns: repeat(4, max-content); gap: .35rem 1.1rem; margin: 1rem 0; }
    .qr { --qr-size: 220px; }
    .actions { margin-top: 1rem; }
    .badge { background: #2a8a4a; color: #fff; border-radius: 1rem; padding: .1rem .6rem; font-weight: 700; }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  /** The contact's user id */
  @property({ attribute: false })
  userId = ''

  @state() private contact?: Contact
  @state() private error?: string
  /** The number and the QR payload of (own user id, userId): 10,400 SHA-512 runs, computed once */
  @state() private computed?: { userId: string, groups: string[], payload: string }

  protected readonly changes = new EventsController(this, () => this.client, ['conversation'], event => {
    if ((event as CustomEvent<{ userId: string }>).detail.userId === this.userId) { void this.load() }
  })

  protected willUpdate (changed: PropertyValues<this>): void {
    if (changed.has('userId')) { void this.load() }
  }

  private async load (): Promise<void> {
    try {
      const me = this.client?.userId
      if (me != null && this.userId !== '' && this.computed?.userId !== this.userId) {
        this.computed = { userId: this.userId, groups: formatSafetyNumber(safetyNumber(me, this.userId)).split(' '), payload: safetyQrPayload(me, this.userId) }
      }
      this.contact = await this.client?.contact(this.userId)
    } catch (err: any) {
      this.error = err.message
    }
  }

  private async verify (verified = true): Promise<void> {
    try {
      await this.client?.markVerified(this.userId, verified)
      this.error = undefined
    } catch (err: any) {
      this.error = err.message
    }
  }

  render (): unknown {
    if (this.computed?.userId !== this.userId) {
      return this.error != null ? html`<p class="error" role="alert">${this.error}</p>` : nothing
    }
    const { groups, payload } = this.computed
    const verified = this.contact?.verified === true
    return html`
      <button class="secondary" @click=${() => { this.dispatchEvent(new CustomEvent('close-safety', { bubbles: true, composed: true })) }}>← Back to the conversation</button>
      <h2>Safety number</h2>
      <p>Compare these digits with your contact's screen, in person or over a channel you trust. If they match,
        nobody sits between you.</p>
      <div class="digits" data-testid="safety-number" aria-label=${groups.join(' ')}>${groups.map(g => html`<span>${g}</span>`)}</div>
      <div class="qr" data-testid="safety-qr"><qr-code .text=${payload} label="Safety number QR code"></qr-code></div>
      <div class="row actions">
        ${verified
          ? html`<span class="badge" data-testid="verified-badge">Verified</span>
              <button class="secondary" @click=${async () => { await this.verify(false) }}>Clear verification</button>`
          : html`<button data-testid="mark-verified" ?disabled=${this.contact == null} @click=${async () => { await this.verify() }}>Mark as verified</button>`}
        ${this.contact == null ? html`<span class="muted">Add this person as a contact to mark them verified.</span>` : nothing}
      </div>
      ${this.error != null ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'safety-number-screen': SafetyNumberScreen
  }
}
