import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { EventsController } from '../controllers/events-controller.ts'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { ConversationSummary, HyphaClient } from '../hypha-client.ts'

/**
 * The conversations, most recent first, with unread counts. Fires
 * `open-conversation` (detail: the user id) when one is chosen.
 */
@customElement('conversation-list')
export class ConversationList extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; }
    ul { list-style: none; margin: 0; padding: 0; }
    li button {
      width: 100%; text-align: left; display: flex; align-items: center; gap: .5rem;
      background: transparent; color: inherit; border: 0; border-radius: .5rem; padding: .55rem .6rem;
    }
    li button:hover, li button[aria-current=true] { background: var(--hover, #e8efe9); }
    .who { flex: 1; min-width: 0; }
    .title { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 600; }
    .last { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .unread { background: var(--accent, #2f6f4f); color: #fff; border-radius: 1rem; padding: 0 .5rem; font-size: .8rem; font-weight: 700; }
    .empty { padding: .5rem; }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  /** The conversation open now */
  @property({ attribute: false })
  selected?: string

  @state() private conversations: ConversationSummary[] = []

  private loading = false
  private again = false

  /** Messages, receipts, contact changes, read markers */
  protected readonly changes = new EventsController(this, () => this.client, ['conversations', 'conversation'], () => { void this.load() })

  connectedCallback (): void {
    super.connectedCallback()
    void this.load()
  }

  /** One load at a time; a change during a load makes one more */
  private async load (): Promise<void> {
    if (this.loading) {
      this.again = true
      return
    }
    const client = this.client
    if (client?.messenger == null) { return }
    this.loading = true
    try {
      do {
        this.again = false
        this.conversations = await client.conversations()
      } while (this.again)
    } catch {
      // the database closed (the page is going away)
    } finally {
      this.loading = false
    }
  }

  private open (userId: string): void {
    this.dispatchEvent(new CustomEvent('open-conversation', { detail: userId, bubbles: true, composed: true }))
  }

  render (): unknown {
    if (this.conversations.length === 0) {
      return html`<p class="muted empty">No conversations yet. Add a contact with their user id or invite link.</p>`
    }
    return html`
      <ul>
        ${this.conversations.map(c => html`
          <li>
            <button data-testid="conversation" data-user-id=${c.userId} aria-current=${this.selected === c.userId ? 'true' : 'false'}
              @click=${() => { this.open(c.userId) }}>
              <span class="who">
                <span class="title">${c.title}${c.contact == null ? html` <span class="muted">(not a contact)</span>` : nothing}</span>
                <span class="last muted">${c.last == null ? 'No messages yet' : `${c.last.direction === 'out' ? 'You: ' : ''}${c.last.text}`}</span>
              </span>
              ${c.unread > 0 ? html`<span class="unread" data-testid="unread" aria-label="unread messages">${c.unread}</span>` : nothing}
            </button>
          </li>`)}
      </ul>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'conversation-list': ConversationList
  }
}
