import { constants } from '@hypha/core'
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { EventsController } from '../controllers/events-controller.ts'
import { SerialLoad } from '../controllers/serial-load.ts'
import { shownState } from '../delivery.ts'
import { formatTime } from '../time.ts'
import { clientContext } from './context.ts'
import { storedMeta } from './message-meta.ts'
import { baseStyles } from './styles.ts'
import type { HyphaClient, PendingMessage } from '../hypha-client.ts'
import type { Contact, StoredMessage } from '@hypha/core'
import type { PropertyValues } from 'lit'

/** Messages shown at most (the newest); the store keeps more */
export const MAX_RENDERED_MESSAGES = 500

/** A pending message and its stored copy match when written within this long of each other (ms) */
const PENDING_MATCH_WINDOW = 2_000

const PENDING_LABELS: Record<PendingMessage['status'], string> = {
  queued: 'waiting for the network',
  sending: 'sending…',
  failed: 'not sent'
}

type Row =
  | { kind: 'stored', message: StoredMessage }
  | { kind: 'pending', pending: PendingMessage }

/**
 * One conversation: its messages (history from the Messenger, so it survives
 * reloads) with timestamps and delivery states, the composer, and the
 * contact's alias and safety number.
 */
@customElement('conversation-view')
export class ConversationView extends LitElement {
  static styles = [baseStyles, css`
    :host { display: flex; flex-direction: column; height: 100%; min-height: 0; }
    header { padding: .75rem 1rem; border-bottom: 1px solid var(--line, #c8cfd8); }
    header .title { font-weight: 700; font-size: 1.1rem; }
    .badge { background: #2a8a4a; color: #fff; border-radius: 1rem; padding: 0 .55rem; font-size: .8rem; font-weight: 700; }
    .alias input { width: 14rem; }
    ol { list-style: none; margin: 0; padding: 1rem; flex: 1; overflow-y: auto; display: flex; flex-direction: column; gap: .4rem; }
    li { max-width: 75%; padding: .45rem .7rem; border-radius: .8rem; background: var(--in, #eef1f5); align-self: flex-start; }
    li[data-direction=out] { background: var(--out, #d9efe1); align-self: flex-end; }
    .text { white-space: pre-wrap; overflow-wrap: anywhere; }
    .meta { display: block; font-size: .75rem; color: var(--muted, #5d6675); margin-top: .15rem; }
    .failed { color: #a33; }
    form { display: flex; gap: .5rem; padding: .75rem 1rem; border-top: 1px solid var(--line, #c8cfd8); }
    textarea { flex: 1; resize: none; height: 2.6rem; }
    .link { background: none; border: 0; color: var(--accent, #2f6f4f); padding: 0 .25rem; text-decoration: underline; }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  /** The other side's user id */
  @property({ attribute: false })
  userId = ''

  @state() private contact?: Contact
  @state() private history: StoredMessage[] = []
  @state() private pending: PendingMessage[] = []
  @state() private text = ''
  @state() private alias = ''
  @state() private error?: string
  @state() private info?: string

  @query('ol') private list?: HTMLOListElement

  /** The alias field shows the contact's alias again at the next load (a new conversation) */
  private resetAlias = false
  private readonly loader = new SerialLoad(async () => this.loadOnce())
  private stickToBottom = true

  /** New messages, receipts and contact changes of this conversation */
  protected readonly changes = new EventsController(this, () => this.client, ['conversation', 'network'], event => {
    if (event.type === 'network' || (event as CustomEvent<{ userId: string }>).detail.userId === this.userId) { void this.load() }
  })

  private readonly onVisible = (): void => { if (document.visibilityState === 'visible') { void this.markRead() } }

  connectedCallback (): void {
    super.connectedCallback()
    document.addEventListener('visibilitychange', this.onVisible)
  }

  disconnectedCallback (): void {
    super.disconnectedCallback()
    document.removeEventListener('visibilitychange', this.onVisible)
  }

  protected willUpdate (changed: PropertyValues<this>): void {
    if (changed.has('userId')) {
      this.history = []
      this.pending = []
      this.contact = undefined
      this.error = undefined
      this.info = undefined
      this.stickToBottom = true
      void this.load(true)
    }
  }

  protected updated (): void {
    if (this.stickToBottom && this.list != null) { this.list.scrollTop = this.list.scrollHeight }
  }

  /** Loads the conversation again; a change during a load makes one more (SerialLoad) */
  private async load (resetAlias = false): Promise<void> {
    if (resetAlias) { this.resetAlias = true }
    await this.loader.request()
  }

  /** One load: the history, what is still being sent, the contact; then everything shown is read */
  private async loadOnce (): Promise<void> {
    const client = this.client
    const userId = this.userId
    if (client?.messenger == null || userId === '') { return }
    try {
      const [history, contact] = await Promise.all([client.history(userId), client.contact(userId)])
      if (userId !== this.userId) { return }
      this.history = history.slice(-MAX_RENDERED_MESSAGES)
      this.pending = client.pending(userId)
      if (this.resetAlias || this.contact?.alias !== contact?.alias) { this.alias = contact?.alias ?? '' }
      this.contact = contact
      this.resetAlias = false
    } catch (err: any) {
      this.error = err.message
      return
    }
    await this.markRead()
  }

  private async markRead (): Promise<void> {
    if (document.visibilityState !== 'visible' || this.client == null || this.userId === '') { return }
    await this.client.markRead(this.userId).catch(() => {})
  }

  private send (event?: Event): void {
    event?.preventDefault()
    const client = this.client
    if (client == null || this.text.trim() === '') { return }
    try {
      client.send(this.userId, this.text)
      this.text = ''
      this.error = undefined
      this.stickToBottom = true
    } catch (err: any) {
      this.error = err.message
    }
  }

  private async rename (): Promise<void> {
    try {
      await this.client?.renameContact(this.userId, this.alias)
      this.info = this.alias.trim() === '' ? 'Alias removed.' : 'Renamed.'
      this.error = undefined
    } catch (err: any) {
      this.error = err.message
    }
  }

  private async addAsContact (): Promise<void> {
    try {
      await this.client?.addContact(this.userId)
      this.error = undefined
    } catch (err: any) {
      this.error = err.name === 'ContactNotFoundError' ? 'Not found on the mesh right now.' : err.message
    }
  }

  private onScroll (): void {
    const list = this.list
    if (list != null) { this.stickToBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40 }
  }

  /** History, then what has not reached the store yet; a pending message whose stored copy is listed is shown once */
  private rows (): Row[] {
    const rows: Row[] = this.history.map(message => ({ kind: 'stored', message }))
    const matched = new Set<string>()
    for (const pending of this.pending) {
      const copy = pending.status === 'sending'
        ? this.history.find(m => m.direction === 'out' && !matched.has(m.id) && m.text === pending.text && m.storedAt >= pending.createdAt - PENDING_MATCH_WINDOW)
        : undefined
      if (copy != null) {
        matched.add(copy.id)
        continue
      }
      rows.push({ kind: 'pending', pending })
    }
    return rows
  }

  render (): unknown {
    const contact = this.contact
    return html`
      <header class="stack">
        <div class="row">
          <span class="title">${contact?.alias ?? (contact == null ? 'Not a contact' : 'Contact')}</span>
          ${contact?.verified === true ? html`<span class="badge" data-testid="verified-badge">Verified</span>` : nothing}
          <button class="secondary" data-testid="safety-number-open"
            @click=${() => { this.dispatchEvent(new CustomEvent('open-safety', { detail: this.userId, bubbles: true, composed: true })) }}>Safety number</button>
        </div>
        <code data-testid="peer-user-id">${this.userId}</code>
        ${contact == null
          ? html`<div class="row"><span class="muted">This person is not in your contacts. Replying adds them.</span>
              <button class="secondary" @click=${this.addAsContact}>Add contact</button></div>`
          : html`<div class="row alias">
              <input type="text" data-testid="alias-input" aria-label="Alias" placeholder="Alias (only you see it)" maxlength=${constants.MAX_NAME_LENGTH}
                .value=${this.alias} @input=${(e: Event) => { this.alias = (e.target as HTMLInputElement).value }}
                @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') { void this.rename() } }}>
              <button class="secondary" data-testid="rename-contact" @click=${this.rename}>Rename</button>
            </div>`}
        ${this.info != null ? html`<span class="muted" role="status">${this.info}</span>` : nothing}
      </header>
      <ol aria-live="polite" @scroll=${this.onScroll}>
        ${this.rows().map(row => row.kind === 'stored' ? this.renderStored(row.message) : this.renderPending(row.pending))}
      </ol>
      ${this.error != null ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <form @submit=${this.send}>
        <textarea data-testid="message-input" aria-label="Message" placeholder="Message" maxlength=${constants.MAX_PLAINTEXT_BYTES}
          .value=${this.text} @input=${(e: Event) => { this.text = (e.target as HTMLTextAreaElement).value }}
          @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { this.send(e) } }}></textarea>
        <button type="submit" data-testid="send">Send</button>
      </form>
    `
  }

  private renderStored (m: StoredMessage): unknown {
    const out = m.direction === 'out'
    const state = shownState(m)
    return html`
      <li data-testid="message" data-id=${m.id} data-direction=${m.direction}
        data-state=${out ? state : nothing} data-mailboxes=${out ? String(m.mailboxes ?? 0) : nothing}>
        <span class="text" data-testid="message-text">${m.text}</span>
        ${storedMeta(m)}
      </li>`
  }

  private renderPending (p: PendingMessage): unknown {
    return html`
      <li data-testid="message" data-direction="out" data-state="sending" data-mailboxes="0" data-pending=${p.status}>
        <span class="text" data-testid="message-text">${p.text}</span>
        <span class="meta">
          <time datetime=${new Date(p.createdAt).toISOString()}>${formatTime(p.createdAt)}</time> ·
          ${p.status === 'failed'
            ? html`<span class="failed">not sent: ${p.error}</span>
                <button class="link" @click=${() => { this.client?.retry(p.localId) }}>retry</button>
                <button class="link" @click=${() => { this.client?.discard(p.localId) }}>discard</button>`
            : PENDING_LABELS[p.status]}
        </span>
      </li>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'conversation-view': ConversationView
  }
}
