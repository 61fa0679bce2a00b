import { constants } from '@hypha/core'
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { GroupController } from '../controllers/group-controller.ts'
import { channelLink, senderName } from '../group-input.ts'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { HyphaClient } from '../hypha-client.ts'
import type { ChannelInfo } from '@hypha/core'
import type { PropertyValues } from 'lit'
import './group-message-list.ts'

/**
 * A channel: its posts, and for its owner the post box, the invite link
 * (with a copy button) and the readers who announced themselves. Readers
 * only read.
 */
@customElement('channel-view')
export class ChannelView extends LitElement {
  static styles = [baseStyles, css`
    :host { display: flex; flex-direction: column; height: 100%; min-height: 0; }
    header { padding: .75rem 1rem; border-bottom: 1px solid var(--line, #c8cfd8); }
    header .title { font-weight: 700; font-size: 1.1rem; }
    .badge { background: var(--accent, #2f6f4f); color: #fff; border-radius: 1rem; padding: 0 .5rem; font-size: .75rem; font-weight: 700; }
    .link { display: block; margin: .15rem 0; }
    .small { padding: .15rem .5rem; font-size: .8rem; }
    details summary { cursor: pointer; }
    details ul { margin: .25rem 0; padding-left: 1.2rem; }
    group-message-list { flex: 1; }
    .notices { padding: 0 1rem; }
    form { display: flex; gap: .5rem; padding: .75rem 1rem; border-top: 1px solid var(--line, #c8cfd8); }
    textarea { flex: 1; resize: none; height: 2.6rem; }
    .readonly { margin: 0; padding: .75rem 1rem; border-top: 1px solid var(--line, #c8cfd8); }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  /** The channel id (64 hex digits) */
  @property({ attribute: false })
  channelId = ''

  @state() private text = ''
  @state() private copied = false

  private readonly channel = new GroupController(this, () => this.client)

  protected willUpdate (changed: PropertyValues<this>): void {
    if (changed.has('channelId')) {
      this.text = ''
      this.copied = false
      this.channel.select('channel', this.channelId)
    }
  }

  private post (event?: Event): void {
    event?.preventDefault()
    if (this.text.trim() === '') { return }
    try {
      this.channel.send(this.text)
      this.text = ''
    } catch (err: any) {
      this.channel.error = err.message
      this.requestUpdate()
    }
  }

  private async copy (link: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(link)
      this.copied = true
    } catch {
      // no clipboard (permission, an insecure origin): the link is shown for selecting by hand
      this.copied = false
    }
  }

  render (): unknown {
    const info = this.channel.channel
    if (info == null) {
      return html`<header>${this.channel.error == null
        ? html`<span class="muted">Loading…</span>`
        : html`<p class="error" role="alert">${this.channel.error}</p>`}</header>`
    }
    const me = this.client?.userId
    const aliases = this.channel.aliases
    const rejections = (this.client?.rejections ?? []).filter(r => r.group === info.id)
    return html`
      <header class="stack">
        <div class="row">
          <span class="title" data-testid="channel-name">${info.name}</span>
          ${info.admin ? html`<span class="badge">You post here</span>` : html`<span class="muted">Channel by <span data-testid="channel-owner" data-user-id=${info.owner}>${senderName(info.owner, me, aliases)}</span></span>`}
        </div>
        ${this.renderInvite(info)}
        ${info.admin ? this.renderReaders(info, me, aliases) : nothing}
      </header>
      <group-message-list .messages=${this.channel.messages} .outgoing=${this.channel.outgoing} .me=${me} .aliases=${aliases}
        empty=${info.admin ? 'No posts yet. Readers see what you post here.' : 'No posts yet.'}></group-message-list>
      <div class="notices">
        ${rejections.map(r => html`<p class="muted" data-testid="group-rejection" data-reason=${r.reason}>Refused a post or change: ${r.reason}</p>`)}
        ${this.channel.error != null ? html`<p class="error" role="alert" data-testid="group-error">${this.channel.error}</p>` : nothing}
      </div>
      ${info.admin
        ? html`<form @submit=${this.post}>
            <textarea data-testid="message-input" aria-label="Post to the channel" placeholder="Post to the channel" maxlength=${constants.MAX_PLAINTEXT_BYTES}
              .value=${this.text} @input=${(e: Event) => { this.text = (e.target as HTMLTextAreaElement).value }}
              @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { this.post(e) } }}></textarea>
            <button type="submit" data-testid="send">Post</button>
          </form>`
        : html`<p class="readonly muted" data-testid="channel-read-only">Only the channel's owner posts here.</p>`}
    `
  }

  private renderInvite (info: ChannelInfo): unknown {
    let link: string
    try {
      link = channelLink(location.href, info.invite)
    } catch {
      link = info.invite
    }
    return html`
      <div>
        <span class="muted">Invite link: whoever has it reads the channel (the key is in the #fragment, which no server sees)</span>
        <code class="link" data-testid="channel-invite-link">${link}</code>
        <div class="row">
          <button class="secondary small" data-testid="channel-invite-copy" @click=${async () => { await this.copy(link) }}>Copy link</button>
          ${this.copied ? html`<span class="muted" role="status">Copied.</span>` : nothing}
        </div>
      </div>
    `
  }

  private renderReaders (info: ChannelInfo, me: string | undefined, aliases: ReadonlyMap<string, string>): unknown {
    return html`
      <details>
        <summary>${info.readers.length} reader${info.readers.length === 1 ? '' : 's'} known</summary>
        <ul>
          ${info.readers.map(reader => html`
            <li data-testid="channel-reader" data-user-id=${reader}>
              <span title=${reader}>${senderName(reader, me, aliases)}</span>
              <button class="secondary small" data-testid="reader-remove"
                @click=${async () => { await this.channel.removeReader(reader) }}>Remove</button>
            </li>`)}
        </ul>
      </details>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'channel-view': ChannelView
  }
}
