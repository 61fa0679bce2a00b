import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { shownState } from '../delivery.ts'
import { senderName } from '../group-input.ts'
import { formatTime } from '../time.ts'
import { storedMeta } from './message-meta.ts'
import { baseStyles } from './styles.ts'
import type { OutgoingGroupMessage } from '../controllers/group-controller.ts'
import type { GroupMessage } from '@hypha/core'

/** An outgoing message and its stored copy match when written within this long of each other (ms) */
const OUTGOING_MATCH_WINDOW = 2_000

/**
 * The messages of a group or a channel, oldest first: each with its sender
 * (the contact's alias, else the end of the user id), the text (always as
 * text, never markup) and, for this user's own, the delivery state (groups
 * have no per-member receipts: sent, or stored at N mailboxes). Stays
 * scrolled to the newest unless the user scrolled up.
 */
@customElement('group-message-list')
export class GroupMessageList extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; min-height: 0; overflow: hidden; }
    ol { list-style: none; margin: 0; padding: 1rem; height: 100%; overflow-y: auto; display: flex; flex-direction: column; gap: .4rem; }
    li { max-width: 75%; padding: .45rem .7rem; border-radius: .8rem; background: var(--in, #eef1f5); align-self: flex-start; }
    li[data-direction=out] { background: var(--out, #d9efe1); align-self: flex-end; }
    .sender { display: block; font-size: .8rem; font-weight: 700; color: var(--accent, #2f6f4f); }
    .text { white-space: pre-wrap; overflow-wrap: anywhere; }
    .meta { display: block; font-size: .75rem; color: var(--muted, #5d6675); margin-top: .15rem; }
    .failed { color: #a33; }
    .empty { align-self: center; max-width: none; background: transparent; }
  `]

  /** Stored messages, oldest first */
  @property({ attribute: false })
  messages: GroupMessage[] = []

  /** Sends of this view that have not returned yet */
  @property({ attribute: false })
  outgoing: OutgoingGroupMessage[] = []

  /** This user's id */
  @property({ attribute: false })
  me?: string

  /** Contacts' aliases by user id */
  @property({ attribute: false })
  aliases: ReadonlyMap<string, string> = new Map()

  /** Shown when there is no message */
  @property()
  empty = 'No messages yet.'

  @query('ol') private list?: HTMLOListElement

  private stickToBottom = true

  protected updated (): void {
    if (this.stickToBottom && this.list != null) { this.list.scrollTop = this.list.scrollHeight }
  }

  private onScroll (): void {
    const list = this.list
    if (list != null) { this.stickToBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40 }
  }

  /** Sends whose stored copy is not listed yet (core stores an outgoing message before it publishes) */
  private waiting (): OutgoingGroupMessage[] {
    const matched = new Set<string>()
    return this.outgoing.filter(o => {
      const copy = this.messages.find(m => m.direction === 'out' && !matched.has(m.id) && m.text === o.text && m.storedAt >= o.createdAt - OUTGOING_MATCH_WINDOW)
      if (copy == null) { return true }
      matched.add(copy.id)
      return false
    })
  }

  render (): unknown {
    const waiting = this.waiting()
    return html`
      <ol aria-live="polite" @scroll=${this.onScroll}>
        ${this.messages.length === 0 && waiting.length === 0 ? html`<li class="empty muted">${this.empty}</li>` : nothing}
        ${this.messages.map(m => this.renderStored(m))}
        ${waiting.map(o => html`
          <li data-testid="message" data-direction="out" data-state="sending" data-mailboxes="0" data-from=${this.me ?? ''}>
            <span class="text" data-testid="message-text">${o.text}</span>
            <span class="meta"><time datetime=${new Date(o.createdAt).toISOString()}>${formatTime(o.createdAt)}</time> · sending…</span>
          </li>`)}
      </ol>
    `
  }

  private renderStored (m: GroupMessage): unknown {
    const out = m.direction === 'out'
    const state = shownState(m)
    return html`
      <li data-testid="message" data-id=${m.id} data-direction=${m.direction} data-from=${m.from}
        data-state=${out ? state : nothing} data-mailboxes=${out ? String(m.mailboxes ?? 0) : nothing}>
        ${out ? nothing : html`<span class="sender" data-testid="message-sender">${senderName(m.from, this.me, this.aliases)}</span>`}
        <span class="text" data-testid="message-text">${m.text}</span>
        ${storedMeta(m)}
      </li>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'group-message-list': GroupMessageList
  }
}
