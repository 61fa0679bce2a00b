import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { EventsController } from '../controllers/events-controller.ts'
import { SerialLoad } from '../controllers/serial-load.ts'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { ConversationSummary, GroupSummary, HyphaClient } from '../hypha-client.ts'

/**
 * The conversations, groups and channels, most recent first, with unread
 * counts. Fires `open-conversation` (detail: the user id) or `open-group`
 * (detail: `{ kind, id }`) when one is chosen.
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
    .kind { color: var(--accent, #2f6f4f); font-weight: 800; }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  /** The conversation (user id), group or channel (id) open now */
  @property({ attribute: false })
  selected?: string

  @state() private conversations: Array<ConversationSummary | GroupSummary> = []

  private readonly loader = new SerialLoad(async () => this.loadOnce())

  /** Messages, receipts, contact changes, read markers */
  protected readonly changes = new EventsController(this, () => this.client, ['conversations', 'conversation'], () => { void this.load() })

  connectedCallback (): void {
    super.connectedCallback()
    void this.load()
  }

  /** Loads the list again; a change during a load makes one more (SerialLoad) */
  private async load (): Promise<void> {
    await this.loader.request()
  }

  private async loadOnce (): Promise<void> {
    const client = this.client
    if (client?.messenger == null) { return }
    try {
      const [people, groups] = await Promise.all([client.conversations(), client.groupConversations()])
      this.conversations = [...people, ...groups].sort((a, b) => b.activeAt - a.activeAt)
    } catch {
      // the database closed (the page is going away)
    }
  }

  private open (c: ConversationSummary | GroupSummary): void {
    const [type, detail] = 'kind' in c ? ['open-group', { kind: c.kind, id: c.id }] : ['open-conversation', c.userId]
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }))
  }

  render (): unknown {
    if (this.conversations.length === 0) {
      return html`<p class="muted empty">No conversations yet. Add a contact with their user id or invite link.</p>`
    }
    return html`
      <ul>
        ${this.conversations.map(c => 'kind' in c ? this.renderGroup(c) : this.renderPerson(c))}
      </ul>
    `
  }

  private renderPerson (c: ConversationSummary): unknown {
    return html`
      <li>
        <button data-testid="conversation" data-user-id=${c.userId} aria-current=${this.selected === c.userId ? 'true' : 'false'}
          @click=${() => { this.open(c) }}>
          <span class="who">
            <span class="title">${c.title}${c.contact == null ? html` <span class="muted">(not a contact)</span>` : nothing}</span>
            <span class="last muted">${c.last == null ? 'No messages yet' : `${c.last.direction === 'out' ? 'You: ' : ''}${c.last.text}`}</span>
          </span>
          ${this.renderUnread(c.unread)}
        </button>
      </li>`
  }

  private renderGroup (g: GroupSummary): unknown {
    return html`
      <li>
        <button data-testid="group-conversation" data-kind=${g.kind} data-group-id=${g.id} data-name=${g.title} aria-current=${this.selected === g.id ? 'true' : 'false'}
          @click=${() => { this.open(g) }}>
          <span class="who">
            <span class="title"><span class="kind" aria-label=${g.kind}>${g.kind === 'group' ? '#' : '»'}</span> ${g.title}${g.member ? nothing : html` <span class="muted">(left)</span>`}</span>
            <span class="last muted">${g.last == null ? 'No messages yet' : `${g.last.direction === 'out' ? 'You: ' : ''}${g.last.text}`}</span>
          </span>
          ${this.renderUnread(g.unread)}
        </button>
      </li>`
  }

  private renderUnread (unread: number): unknown {
    return unread > 0 ? html`<span class="unread" data-testid="unread" aria-label="unread messages">${unread}</span>` : nothing
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'conversation-list': ConversationList
  }
}
