import { constants } from '@hypha/core'
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { createChannel, createGroup, describeGroupError, joinChannel } from '../controllers/group-controller.ts'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { HyphaClient } from '../hypha-client.ts'
import type { MemberPicker } from './member-picker.ts'
import type { Contact } from '@hypha/core'
import type { PropertyValues } from 'lit'
import './member-picker.ts'

type Form = 'group' | 'channel' | 'join'

/**
 * Starts a group (a name, members from the contacts or pasted user ids),
 * starts a channel (then shows its invite link), or joins a channel from an
 * invite link. Fires `open-group` (detail: `{ kind, id }`) when one is ready.
 */
@customElement('new-group-screen')
export class NewGroupScreen extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; padding: 1rem; max-width: 44rem; }
    section + section { margin-top: 1rem; }
    form { display: flex; flex-direction: column; gap: .5rem; }
    form .row input { flex: 1; }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  /** An invite to propose in the join form (from a `#/channel/...` link that opened the app) */
  @property({ attribute: false })
  channelInvite?: string

  @state() private contacts: Contact[] = []
  @state() private groupName = ''
  @state() private channelName = ''
  @state() private invite = ''
  @state() private busy?: Form
  @state() private errors: Partial<Record<Form, string>> = {}

  @query('member-picker') private picker?: MemberPicker

  connectedCallback (): void {
    super.connectedCallback()
    this.client?.messenger?.contacts().then(contacts => { this.contacts = contacts }, () => {})
  }

  protected willUpdate (changed: PropertyValues<this>): void {
    if (changed.has('channelInvite') && this.channelInvite != null) {
      this.invite = this.channelInvite
    }
  }

  private opened (kind: 'group' | 'channel', id: string): void {
    this.dispatchEvent(new CustomEvent('open-group', { detail: { kind, id }, bubbles: true, composed: true }))
  }

  /** Runs one form's action; its error shows under that form */
  private async run (form: Form, action: (client: HyphaClient) => Promise<void>): Promise<void> {
    const client = this.client
    if (client == null || this.busy != null) { return }
    this.busy = form
    this.errors = { ...this.errors, [form]: undefined }
    try {
      await action(client)
    } catch (err: any) {
      this.errors = { ...this.errors, [form]: describeGroupError(err) }
    } finally {
      this.busy = undefined
    }
  }

  private async submitGroup (event: Event): Promise<void> {
    event.preventDefault()
    await this.run('group', async client => {
      const members = this.picker?.selected() ?? []
      const info = await createGroup(client, this.groupName, members)
      this.groupName = ''
      this.picker?.clear()
      this.opened('group', info.id)
    })
  }

  private async submitChannel (event: Event): Promise<void> {
    event.preventDefault()
    await this.run('channel', async client => {
      const info = await createChannel(client, this.channelName)
      this.channelName = ''
      this.opened('channel', info.id)
    })
  }

  private async submitJoin (event: Event): Promise<void> {
    event.preventDefault()
    await this.run('join', async client => {
      const info = await joinChannel(client, this.invite)
      this.invite = ''
      this.opened('channel', info.id)
    })
  }

  private renderError (form: Form, testId: string): unknown {
    const error = this.errors[form]
    return error == null ? nothing : html`<p class="error" role="alert" data-testid=${testId}>${error}</p>`
  }

  render (): unknown {
    const me = this.client?.userId
    return html`
      <section class="card">
        <h2>New group</h2>
        <p class="muted">Everyone in a group writes; you are its admin and can add and remove people.</p>
        <form @submit=${this.submitGroup}>
          <input type="text" data-testid="group-name-input" aria-label="Group name" placeholder="Group name" maxlength=${constants.MAX_NAME_LENGTH}
            .value=${this.groupName} @input=${(e: Event) => { this.groupName = (e.target as HTMLInputElement).value }}>
          <member-picker .contacts=${this.contacts} .exclude=${me == null ? [] : [me]}></member-picker>
          <div class="row">
            <button type="submit" data-testid="group-create-submit" ?disabled=${this.busy != null}>${this.busy === 'group' ? 'Creating…' : 'Create group'}</button>
          </div>
        </form>
        ${this.renderError('group', 'group-create-error')}
      </section>
      <section class="card">
        <h2>New channel</h2>
        <p class="muted">Only you post; anyone with its invite link reads.</p>
        <form @submit=${this.submitChannel}>
          <div class="row">
            <input type="text" data-testid="channel-name-input" aria-label="Channel name" placeholder="Channel name" maxlength=${constants.MAX_NAME_LENGTH}
              .value=${this.channelName} @input=${(e: Event) => { this.channelName = (e.target as HTMLInputElement).value }}>
            <button type="submit" data-testid="channel-create-submit" ?disabled=${this.busy != null}>${this.busy === 'channel' ? 'Creating…' : 'Create channel'}</button>
          </div>
        </form>
        ${this.renderError('channel', 'channel-create-error')}
      </section>
      <section class="card">
        <h2>Join a channel</h2>
        <form @submit=${this.submitJoin}>
          <div class="row">
            <input type="text" data-testid="channel-join-input" aria-label="Channel invite link" placeholder="Channel invite link"
              spellcheck="false" autocomplete="off" .value=${this.invite} @input=${(e: Event) => { this.invite = (e.target as HTMLInputElement).value }}>
            <button type="submit" data-testid="channel-join-submit" ?disabled=${this.busy != null}>${this.busy === 'join' ? 'Joining…' : 'Join'}</button>
          </div>
        </form>
        ${this.channelInvite != null && this.invite === this.channelInvite ? html`<p class="muted">A channel link opened Hypha: press Join to read it.</p>` : nothing}
        ${this.renderError('join', 'channel-join-error')}
      </section>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'new-group-screen': NewGroupScreen
  }
}
