import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { inviteLink } from '../invite.ts'
import { messengerContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { Messenger } from '@hypha/core'
import './qr-code.ts'

/** This device's user id, its invite link and the link's QR code */
@customElement('identity-card')
export class IdentityCard extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; }
    .qr { --qr-size: 160px; margin-top: .5rem; }
    details summary { cursor: pointer; }
    .value { display: block; margin: .15rem 0 .5rem; }
  `]

  @consume({ context: messengerContext, subscribe: true })
  messenger?: Messenger

  @state() private copied?: string
  /** The QR code is drawn on demand: its encoder is loaded then, not with the app */
  @state() private showQr = false

  private async copy (what: string, text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text)
      this.copied = what
    } catch {
      this.copied = undefined
    }
  }

  render (): unknown {
    const messenger = this.messenger
    if (messenger == null) { return nothing }
    const link = inviteLink(location.href, messenger.userId)
    const name = messenger.identity.name
    return html`
      <details open>
        <summary><strong>${name === '' ? 'You' : name}</strong> <span class="muted">· your invite</span></summary>
        <span class="muted">User id</span>
        <code class="value" data-testid="my-user-id">${messenger.userId}</code>
        <span class="muted">Invite link (share it; the id is in the #fragment, which no server sees)</span>
        <code class="value" data-testid="invite-link">${link}</code>
        <div class="row">
          <button class="secondary" @click=${() => { void this.copy('id', messenger.userId) }}>Copy id</button>
          <button class="secondary" @click=${() => { void this.copy('link', link) }}>Copy link</button>
          ${this.copied != null ? html`<span class="muted" role="status">Copied the ${this.copied}.</span>` : nothing}
        </div>
        ${this.showQr
          ? html`<div class="qr" data-testid="invite-qr"><qr-code .text=${link} label="QR code of your invite link"></qr-code></div>`
          : html`<button class="secondary" data-testid="invite-qr-show" @click=${() => { this.showQr = true }}>Show QR code</button>`}
      </details>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'identity-card': IdentityCard
  }
}
