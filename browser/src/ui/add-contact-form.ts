import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { MAX_CONTACT_INPUT_LENGTH } from '../contact-input.ts'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { HyphaClient } from '../hypha-client.ts'

/**
 * Adds a contact by user id or invite link. Fires `contact-added` (detail:
 * the user id) once the contact's device list was found.
 */
@customElement('add-contact-form')
export class AddContactForm extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; }
    form { display: flex; gap: .5rem; }
    input { flex: 1; }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  /** A user id to propose (from an invite link that opened the app) */
  @property({ attribute: false })
  proposed?: string

  @state() private value = ''
  @state() private busy = false
  @state() private error?: string

  protected willUpdate (changed: Map<string, unknown>): void {
    if (changed.has('proposed') && this.proposed != null) {
      this.value = this.proposed
      this.error = undefined
    }
  }

  private async submit (event: Event): Promise<void> {
    event.preventDefault()
    const client = this.client
    if (client == null || this.busy) { return }
    this.busy = true
    this.error = undefined
    try {
      const contact = await client.addContact(this.value)
      this.value = ''
      this.dispatchEvent(new CustomEvent('contact-added', { detail: contact.userId, bubbles: true, composed: true }))
    } catch (err: any) {
      this.error = err.name === 'ContactNotFoundError'
        ? 'Not found on the mesh: this user has never been online, or you are offline.'
        : err.message
    } finally {
      this.busy = false
    }
  }

  render (): unknown {
    return html`
      <form @submit=${this.submit}>
        <input type="text" data-testid="add-contact-input" placeholder="User id or invite link" aria-label="User id or invite link"
          maxlength=${MAX_CONTACT_INPUT_LENGTH} autocomplete="off" spellcheck="false"
          .value=${this.value} @input=${(e: Event) => { this.value = (e.target as HTMLInputElement).value }}>
        <button type="submit" data-testid="add-contact-submit" ?disabled=${this.busy}>${this.busy ? 'Adding…' : 'Add'}</button>
      </form>
      ${this.proposed != null && this.value === this.proposed ? html`<p class="muted">An invite link opened Hypha: press Add to add this contact.</p>` : nothing}
      ${this.error != null ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'add-contact-form': AddContactForm
  }
}
