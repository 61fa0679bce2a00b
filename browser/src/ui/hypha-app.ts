import { provide } from '@lit/context'
import { LitElement, css, html } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { EventsController } from '../controllers/events-controller.ts'
import { HyphaClient } from '../hypha-client.ts'
import { CHANNEL_HASH_PREFIX, parseChannelHash, parseInviteHash } from '../invite.ts'
import { clientContext, messengerContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { Messenger } from '@hypha/core'
import type { PropertyValues } from 'lit'
import './add-contact-form.ts'
import './conversation-list.ts'
import './conversation-view.ts'
import './identity-card.ts'
import './online-indicator.ts'

/**
 * Screens that are not part of the everyday view load when first shown (their
 * elements upgrade once defined): the main view of a returning user needs none.
 */
const SCREENS = {
  onboarding: async () => import('./onboarding-screen.ts'),
  'backup-offer': async () => import('./backup-offer.ts'),
  safety: async () => import('./safety-number-screen.ts'),
  settings: async () => import('./settings-screen.ts'),
  connections: async () => import('./connections-panel.ts'),
  group: async () => import('./group-view.ts'),
  channel: async () => import('./channel-view.ts'),
  'new-group': async () => import('./new-group-screen.ts')
}

type View =
  | { kind: 'none' }
  | { kind: 'conversation', userId: string }
  | { kind: 'safety', userId: string }
  | { kind: 'settings' }
  | { kind: 'connections' }
  | { kind: 'group' | 'channel', id: string }
  | { kind: 'new-group' }

/**
 * The root: provides the client and the Messenger (@lit/context), shows
 * onboarding, the backup offer or the messenger, and turns an invite link
 * (`#/add/<user id>`) into a proposed contact and a channel link
 * (`#/channel/<payload>`) into a proposed channel to join.
 */
@customElement('hypha-app')
export class HyphaApp extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; height: 100vh; height: 100dvh; background: var(--bg, #f4f6f8); }
    .layout { display: grid; grid-template-columns: minmax(18rem, 24rem) 1fr; height: 100%; }
    aside { border-right: 1px solid var(--line, #c8cfd8); padding: .75rem; overflow-y: auto; display: flex; flex-direction: column; gap: .75rem; background: #fff; }
    main { min-height: 0; min-width: 0; overflow: hidden; display: flex; flex-direction: column; background: var(--card, #fbfcfd); }
    main > * { flex: 1; min-height: 0; overflow: auto; }
    .brand { font-weight: 800; font-size: 1.3rem; color: var(--accent, #2f6f4f); }
    nav button[aria-pressed=true] { background: var(--accent, #2f6f4f); color: #fff; }
    .center { max-width: 36rem; margin: 3rem auto; padding: 0 1rem; }
    @media (max-width: 720px) {
      .layout { grid-template-columns: 1fr; grid-template-rows: auto 1fr; }
      aside { border-right: 0; border-bottom: 1px solid var(--line, #c8cfd8); max-height: 50vh; }
    }
  `]

  @provide({ context: clientContext })
  client = new HyphaClient()

  @provide({ context: messengerContext })
  @state()
  messenger?: Messenger

  @state() private view: View = { kind: 'none' }
  @state() private invite?: string
  @state() private channelInvite?: string
  @state() private confirmErase = false
  @state() private loadError?: string

  /** Phase changes: onboarding done, identity there, settings saved */
  protected readonly phases = new EventsController(this, () => this.client, ['phase'], () => {
    this.messenger = this.client.messenger
    this.requestUpdate()
  })

  private readonly onHashChange = (): void => { this.readInvite() }

  connectedCallback (): void {
    super.connectedCallback()
    window.addEventListener('hashchange', this.onHashChange)
    this.readInvite()
    if (this.client.phase === 'loading') { void this.client.load() }
  }

  disconnectedCallback (): void {
    super.disconnectedCallback()
    window.removeEventListener('hashchange', this.onHashChange)
  }

  /**
   * An invite in the URL becomes the proposed contact, a channel link the
   * proposed channel; the fragment is cleared so a reload does not propose it again
   */
  private readInvite (): void {
    const userId = parseInviteHash(location.hash)
    const payload = parseChannelHash(location.hash)
    if (userId == null && payload == null) { return }
    if (payload != null) {
      this.channelInvite = CHANNEL_HASH_PREFIX + payload
      this.view = { kind: 'new-group' }
    } else {
      this.invite = userId
    }
    history.replaceState(null, '', location.pathname + location.search)
  }

  protected willUpdate (_changed: PropertyValues<this>): void {
    const screen = this.screen()
    if (screen != null) {
      // the module cache makes a second import of a loaded screen free
      SCREENS[screen]().catch((err: Error) => { this.loadError = `This screen could not be loaded (${err.name}). Reload when online.` })
    }
  }

  /** The lazily loaded screen the current phase or view shows, if any */
  private screen (): keyof typeof SCREENS | undefined {
    const phase = this.client.phase
    if (phase === 'onboarding' || phase === 'backup-offer') { return phase }
    const kind = this.view.kind
    return kind === 'none' || kind === 'conversation' ? undefined : kind
  }

  private show (view: View): void {
    this.view = view
  }

  private toggle (kind: 'settings' | 'connections' | 'new-group'): void {
    this.view = this.view.kind === kind ? { kind: 'none' } : { kind }
  }

  render (): unknown {
    if (this.loadError != null) {
      return html`<p class="center error" role="alert">${this.loadError}</p>`
    }
    switch (this.client.phase) {
      case 'loading': return html`<p class="center muted" role="status">Starting Hypha…</p>`
      case 'error': return this.renderError()
      case 'onboarding': return html`<onboarding-screen></onboarding-screen>`
      case 'backup-offer': return html`<backup-offer></backup-offer>`
      default: return this.renderMessenger()
    }
  }

  private renderError (): unknown {
    const err = this.client.error
    return html`
      <section class="center card stack">
        <h2>Hypha could not start</h2>
        <p class="error" role="alert">${err?.name ?? 'Error'}: ${err?.message ?? ''}</p>
        <div class="row">
          <button @click=${() => { location.reload() }}>Reload</button>
          ${this.confirmErase
            ? html`<button class="danger" @click=${async () => { await this.client.eraseDevice().finally(() => { location.reload() }) }}>Yes, erase this device</button>`
            : html`<button class="secondary" @click=${() => { this.confirmErase = true }}>Erase this device and start over…</button>`}
        </div>
      </section>
    `
  }

  private renderMessenger (): unknown {
    const view = this.view
    const selected = view.kind === 'conversation' || view.kind === 'safety' ? view.userId : undefined
    const selectedGroup = view.kind === 'group' || view.kind === 'channel' ? view.id : undefined
    return html`
      <div class="layout"
        @open-conversation=${(e: CustomEvent<string>) => { this.show({ kind: 'conversation', userId: e.detail }) }}
        @contact-added=${(e: CustomEvent<string>) => { this.invite = undefined; this.show({ kind: 'conversation', userId: e.detail }) }}
        @open-safety=${(e: CustomEvent<string>) => { this.show({ kind: 'safety', userId: e.detail }) }}
        @close-safety=${() => { if (selected != null) { this.show({ kind: 'conversation', userId: selected }) } }}
        @open-group=${(e: CustomEvent<{ kind: 'group' | 'channel', id: string }>) => { this.channelInvite = undefined; this.show({ kind: e.detail.kind, id: e.detail.id }) }}>
        <aside>
          <div class="row"><span class="brand">Hypha</span></div>
          <online-indicator></online-indicator>
          <nav class="row">
            <button class="secondary" data-testid="settings-open" aria-pressed=${view.kind === 'settings' ? 'true' : 'false'}
              @click=${() => { this.toggle('settings') }}>Settings</button>
            <button class="secondary" data-testid="connections-open" aria-pressed=${view.kind === 'connections' ? 'true' : 'false'}
              @click=${() => { this.toggle('connections') }}>Connections</button>
            <button class="secondary" data-testid="new-group-open" aria-pressed=${view.kind === 'new-group' ? 'true' : 'false'}
              @click=${() => { this.toggle('new-group') }}>Groups &amp; channels</button>
          </nav>
          <identity-card></identity-card>
          <add-contact-form .proposed=${this.invite}></add-contact-form>
          <conversation-list .selected=${selected ?? selectedGroup}></conversation-list>
        </aside>
        <main>${this.renderView(view)}</main>
      </div>
    `
  }

  private renderView (view: View): unknown {
    switch (view.kind) {
      case 'conversation': return html`<conversation-view .userId=${view.userId}></conversation-view>`
      case 'safety': return html`<safety-number-screen .userId=${view.userId}></safety-number-screen>`
      case 'settings': return html`<settings-screen></settings-screen>`
      case 'connections': return html`<connections-panel></connections-panel>`
      case 'group': return html`<group-view .groupId=${view.id}></group-view>`
      case 'channel': return html`<channel-view .channelId=${view.id}></channel-view>`
      case 'new-group': return html`<new-group-screen .channelInvite=${this.channelInvite}></new-group-screen>`
      default: return html`<div class="center muted"><p>Pick a conversation, or add a contact with their user id or invite link.</p></div>`
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hypha-app': HyphaApp
  }
}
