import { constants } from '@hypha/core'
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { GroupController } from '../controllers/group-controller.ts'
import { senderName } from '../group-input.ts'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { HyphaClient } from '../hypha-client.ts'
import type { MemberPicker } from './member-picker.ts'
import type { GroupMember } from '@hypha/core'
import type { PropertyValues } from 'lit'
import './group-message-list.ts'
import './member-picker.ts'

/**
 * A group: its messages with their senders, the composer, and the members
 * with their roles. Admins add contacts (or pasted user ids), remove members
 * and make others admins; anyone leaves. Once this user has left or was
 * removed, the group stays readable but takes no more messages.
 */
@customElement('group-view')
export class GroupView extends LitElement {
  static styles = [baseStyles, css`
    :host { display: grid; grid-template-columns: 1fr minmax(14rem, 18rem); grid-template-rows: auto 1fr auto auto; height: 100%; min-height: 0; }
    header { grid-column: 1 / -1; padding: .75rem 1rem; border-bottom: 1px solid var(--line, #c8cfd8); }
    header .title { font-weight: 700; font-size: 1.1rem; }
    group-message-list { grid-column: 1; grid-row: 2; }
    aside { grid-column: 2; grid-row: 2 / 5; border-left: 1px solid var(--line, #c8cfd8); padding: .75rem; overflow-y: auto; background: #fff; }
    aside ul { list-style: none; margin: 0 0 .75rem; padding: 0; }
    aside li { padding: .35rem 0; border-bottom: 1px solid var(--line, #eef1f5); }
    aside li .who { display: flex; gap: .35rem; align-items: center; }
    aside li .name { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .badge { background: var(--accent, #2f6f4f); color: #fff; border-radius: 1rem; padding: 0 .5rem; font-size: .75rem; font-weight: 700; }
    .small { padding: .15rem .5rem; font-size: .8rem; }
    .notices { grid-column: 1; grid-row: 3; padding: 0 1rem; }
    .notices p { margin: .25rem 0; }
    form { grid-column: 1; grid-row: 4; display: flex; gap: .5rem; padding: .75rem 1rem; border-top: 1px solid var(--line, #c8cfd8); }
    textarea { flex: 1; resize: none; height: 2.6rem; }
    .removed { grid-column: 1; grid-row: 4; margin: 0; padding: .75rem 1rem; border-top: 1px solid var(--line, #c8cfd8); background: #fbeaea; }
    @media (max-width: 720px) {
      :host { grid-template-columns: 1fr; grid-template-rows: auto 1fr auto auto auto; }
      aside { grid-column: 1; grid-row: 5; border-left: 0; border-top: 1px solid var(--line, #c8cfd8); }
    }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  /** The group id (64 hex digits) */
  @property({ attribute: false })
  groupId = ''

  @state() private text = ''
  @state() private confirmLeave = false
  @state() private busy = false

  @query('member-picker') private picker?: MemberPicker

  private readonly group = new GroupController(this, () => this.client)

  protected willUpdate (changed: PropertyValues<this>): void {
    if (changed.has('groupId')) {
      this.text = ''
      this.confirmLeave = false
      this.group.select('group', this.groupId)
    }
  }

  private send (event?: Event): void {
    event?.preventDefault()
    if (this.text.trim() === '') { return }
    try {
      this.group.send(this.text)
      this.text = ''
    } catch (err: any) {
      this.group.error = err.message
      this.requestUpdate()
    }
  }

  /** One admin or member action at a time */
  private async action (step: () => Promise<boolean>): Promise<void> {
    if (this.busy) { return }
    this.busy = true
    try {
      await step()
    } finally {
      this.busy = false
    }
  }

  private async invite (): Promise<void> {
    await this.action(async () => {
      let members: string[]
      try {
        members = this.picker?.selected() ?? []
      } catch (err: any) {
        this.group.error = err.message
        return false
      }
      const done = await this.group.invite(members)
      if (done) { this.picker?.clear() }
      return done
    })
  }

  render (): unknown {
    const info = this.group.group
    if (info == null) {
      return html`<header>${this.group.error == null
        ? html`<span class="muted">Loading…</span>`
        : html`<p class="error" role="alert">${this.group.error}</p>`}</header>`
    }
    const me = this.client?.userId
    const aliases = this.group.aliases
    const rejections = (this.client?.rejections ?? []).filter(r => r.group === info.id)
    return html`
      <header class="row">
        <span class="title" data-testid="group-name">${info.name}</span>
        <span class="muted">${info.members.length} member${info.members.length === 1 ? '' : 's'}</span>
        ${info.admin ? html`<span class="badge">You are an admin</span>` : nothing}
        <code class="muted" data-testid="group-id" data-group-id=${info.id} title="The group id (members only)">${info.id.slice(0, 12)}…</code>
      </header>
      <group-message-list .messages=${this.group.messages} .outgoing=${this.group.outgoing} .me=${me} .aliases=${aliases}
        empty="No messages yet. Say hello to the group."></group-message-list>
      <div class="notices">
        ${rejections.map(r => html`<p class="muted" data-testid="group-rejection" data-reason=${r.reason}>Refused a message or change: ${r.reason}</p>`)}
        ${this.group.error != null ? html`<p class="error" role="alert" data-testid="group-error">${this.group.error}</p>` : nothing}
      </div>
      ${info.member
        ? html`<form @submit=${this.send}>
            <textarea data-testid="message-input" aria-label="Message to the group" placeholder="Message to the group" maxlength=${constants.MAX_PLAINTEXT_BYTES}
              .value=${this.text} @input=${(e: Event) => { this.text = (e.target as HTMLTextAreaElement).value }}
              @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { this.send(e) } }}></textarea>
            <button type="submit" data-testid="send">Send</button>
          </form>`
        : html`<p class="removed" role="status" data-testid="group-removed">You are no longer a member of this group (you left or an admin removed you). Its messages stay here, read-only.</p>`}
      <aside aria-label="Members">
        <h3>Members</h3>
        <ul>${sortMembers(info.members, me, aliases).map(m => this.renderMember(m, info.admin && info.member, me, aliases))}</ul>
        ${info.admin && info.member ? this.renderInvite(info.members.map(m => m.userId)) : nothing}
        ${info.member ? this.renderLeave() : nothing}
      </aside>
    `
  }

  private renderMember (m: GroupMember, canManage: boolean, me: string | undefined, aliases: ReadonlyMap<string, string>): unknown {
    const self = m.userId === me
    return html`
      <li data-testid="group-member" data-user-id=${m.userId} data-admin=${m.admin ? 'true' : 'false'}>
        <div class="who">
          <span class="name" title=${m.userId}>${senderName(m.userId, me, aliases)}</span>
          ${m.admin ? html`<span class="badge" data-testid="admin-badge">admin</span>` : nothing}
        </div>
        ${canManage && !self
          ? html`<div class="row">
              ${m.admin
                ? nothing
                : html`<button class="secondary small" data-testid="member-promote" ?disabled=${this.busy}
                    @click=${async () => { await this.action(async () => this.group.promote(m.userId)) }}>Make admin</button>`}
              <button class="secondary small" data-testid="member-remove" ?disabled=${this.busy}
                @click=${async () => { await this.action(async () => this.group.remove(m.userId)) }}>Remove</button>
            </div>`
          : nothing}
      </li>`
  }

  private renderInvite (members: string[]): unknown {
    return html`
      <h3>Add people</h3>
      <member-picker .contacts=${this.group.contacts} .exclude=${members}></member-picker>
      <div class="row">
        <button class="small" data-testid="group-invite-submit" ?disabled=${this.busy} @click=${this.invite}>Add to the group</button>
      </div>
    `
  }

  private renderLeave (): unknown {
    return html`
      <div class="row">
        ${this.confirmLeave
          ? html`<button class="danger small" data-testid="group-leave-confirm" ?disabled=${this.busy}
              @click=${async () => { await this.action(async () => this.group.leave()) }}>Yes, leave</button>
            <button class="secondary small" @click=${() => { this.confirmLeave = false }}>Stay</button>`
          : html`<button class="secondary small" data-testid="group-leave" @click=${() => { this.confirmLeave = true }}>Leave group…</button>`}
      </div>
    `
  }
}

/** This user first, then the admins, then the others, each by the name shown */
function sortMembers (members: GroupMember[], me: string | undefined, aliases: ReadonlyMap<string, string>): GroupMember[] {
  const rank = (m: GroupMember): number => (m.userId === me ? 0 : 1) + (m.admin ? 0 : 1)
  return [...members].sort((a, b) => rank(a) - rank(b) || senderName(a.userId, me, aliases).localeCompare(senderName(b.userId, me, aliases)))
}

declare global {
  interface HTMLElementTagNameMap {
    'group-view': GroupView
  }
}
