import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { parseBootstrapText } from '../config.ts'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { BootstrapListProblem } from '../config.ts'
import type { HyphaClient } from '../hypha-client.ts'
import './backup-export-form.ts'

/** Bootstrap nodes, backup export, erasing this device */
@customElement('settings-screen')
export class SettingsScreen extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; padding: 1rem; max-width: 48rem; overflow: auto; }
    textarea { min-height: 8rem; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; }
    section + section { margin-top: 1rem; }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  @state() private text = ''
  @state() private problems: BootstrapListProblem[] = []
  @state() private saved = false
  @state() private confirmErase = false

  connectedCallback (): void {
    super.connectedCallback()
    this.text = (this.client?.config.bootstrap ?? []).join('\n')
  }

  private save (): void {
    const { addresses, problems } = parseBootstrapText(this.text)
    this.problems = problems
    this.saved = false
    if (problems.length > 0) { return }
    this.client?.saveBootstrap(addresses)
    this.text = addresses.join('\n')
    this.saved = true
  }

  private useFileList (): void {
    this.client?.saveBootstrap(undefined)
    this.text = (this.client?.config.bootstrap ?? []).join('\n')
    this.problems = []
    this.saved = true
  }

  private async erase (): Promise<void> {
    try {
      await this.client?.eraseDevice()
    } finally {
      location.hash = ''
      location.reload()
    }
  }

  render (): unknown {
    const client = this.client
    return html`
      <h2>Settings</h2>
      <section class="card stack">
        <h3>Bootstrap nodes</h3>
        <p class="muted">One multiaddr a line, each a WebSocket address (<code>/ws</code> or <code>/wss</code>) ending in
          <code>/p2p/&lt;peer id&gt;</code>. ${client?.bootstrapSaved === true ? 'Your list replaces the one in config.json.' : 'These come from config.json.'}</p>
        ${client?.configProblem != null ? html`<p class="error">${client.configProblem}</p>` : nothing}
        <textarea data-testid="bootstrap-list" aria-label="Bootstrap nodes" spellcheck="false"
          .value=${this.text} @input=${(e: Event) => { this.text = (e.target as HTMLTextAreaElement).value; this.saved = false }}></textarea>
        ${this.problems.map(p => html`<p class="error" role="alert">Line ${p.line}: ${p.message}</p>`)}
        <div class="row">
          <button data-testid="settings-save" @click=${this.save}>Save</button>
          ${client?.bootstrapSaved === true ? html`<button class="secondary" @click=${this.useFileList}>Use config.json's list</button>` : nothing}
          ${this.saved ? html`<span class="muted" role="status">Saved. New nodes are dialed now; a removed node stays connected until the next start.</span>` : nothing}
        </div>
      </section>
      <section class="card stack">
        <h3>Backup</h3>
        <p class="muted">An encrypted file with your identity keys (not your messages).</p>
        <backup-export-form></backup-export-form>
      </section>
      <section class="card stack">
        <h3>Erase this device</h3>
        <p class="muted">Deletes your keys, contacts and messages from this browser. Without a backup your user id is lost.</p>
        ${this.confirmErase
          ? html`<div class="row"><button class="danger" @click=${this.erase}>Yes, erase everything</button>
              <button class="secondary" @click=${() => { this.confirmErase = false }}>Cancel</button></div>`
          : html`<button class="danger" @click=${() => { this.confirmErase = true }}>Erase…</button>`}
      </section>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'settings-screen': SettingsScreen
  }
}
