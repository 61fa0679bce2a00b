import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { shortUserId } from '../group-input.ts'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { HyphaClient } from '../hypha-client.ts'
import type { Contact } from '@hypha/core'

/**
 * Chooses people for a group: a checkbox per contact, and a field for user
 * ids or invite links of people who are not contacts (spaces, commas or new
 * lines between them). `selected()` gives the user ids of both.
 */
@customElement('member-picker')
export class MemberPicker extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; }
    ul { list-style: none; margin: 0; padding: 0; max-height: 12rem; overflow-y: auto; }
    li label { display: flex; gap: .5rem; align-items: center; padding: .2rem 0; cursor: pointer; }
    textarea { height: 4.5rem; resize: vertical; margin-top: .5rem; }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  /** The contacts to choose from */
  @property({ attribute: false })
  contacts: Contact[] = []

  /** User ids not offered (members already, this user) */
  @property({ attribute: false })
  exclude: string[] = []

  @state() private checked = new Set<string>()
  @state() private pasted = ''

  /**
   * Checked contacts, then the pasted ids, without repeats or excluded ids
   *
   * @throws {InvalidContactInputError} naming a pasted entry that is neither a user id nor an invite link
   */
  selected (): string[] {
    const ids = [...this.checked]
    for (const id of this.client?.parseMembers(this.pasted) ?? []) {
      if (!ids.includes(id)) { ids.push(id) }
    }
    return ids.filter(id => !this.exclude.includes(id))
  }

  /** Unchecks everything and empties the field */
  clear (): void {
    this.checked = new Set()
    this.pasted = ''
  }

  private toggle (userId: string, on: boolean): void {
    const next = new Set(this.checked)
    if (on) { next.add(userId) } else { next.delete(userId) }
    this.checked = next
  }

  render (): unknown {
    const offered = this.contacts.filter(c => !this.exclude.includes(c.userId))
    return html`
      ${offered.length === 0
        ? html`<p class="muted">No contacts to pick from: paste user ids below.</p>`
        : html`<ul aria-label="Contacts">
            ${offered.map(c => html`
              <li><label>
                <input type="checkbox" data-testid="member-option" data-user-id=${c.userId} .checked=${this.checked.has(c.userId)}
                  @change=${(e: Event) => { this.toggle(c.userId, (e.target as HTMLInputElement).checked) }}>
                <span>${c.alias ?? shortUserId(c.userId)}</span>
                ${c.alias == null ? nothing : html`<code class="muted">${shortUserId(c.userId)}</code>`}
              </label></li>`)}
          </ul>`}
      <textarea data-testid="member-ids-input" aria-label="User ids or invite links" placeholder="Or paste user ids or invite links, one a line"
        spellcheck="false" autocomplete="off" .value=${this.pasted} @input=${(e: Event) => { this.pasted = (e.target as HTMLTextAreaElement).value }}></textarea>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'member-picker': MemberPicker
  }
}
