import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { MIN_BACKUP_PASSPHRASE_LENGTH } from '../hypha-client.ts'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { HyphaClient } from '../hypha-client.ts'

/**
 * Exports the identity as an encrypted backup file (a download). Fires
 * `backup-exported` once the file has been handed to the browser.
 */
@customElement('backup-export-form')
export class BackupExportForm extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; }
    input { width: 100%; max-width: 24rem; }
    label { display: block; margin-bottom: .25rem; font-weight: 600; }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  @state() private passphrase = ''
  @state() private busy = false
  @state() private error?: string
  @state() private done = false

  private async export (): Promise<void> {
    const client = this.client
    if (client == null || this.busy) { return }
    this.busy = true
    this.error = undefined
    try {
      const bytes = await client.exportBackup(this.passphrase)
      download(bytes, `hypha-backup-${new Date().toISOString().slice(0, 10)}.hypha`)
      this.done = true
      this.passphrase = ''
      this.dispatchEvent(new CustomEvent('backup-exported', { bubbles: true, composed: true }))
    } catch (err: any) {
      this.error = err.message
    } finally {
      this.busy = false
    }
  }

  render (): unknown {
    return html`
      <div class="stack">
        <div>
          <label for="backup-passphrase">Backup passphrase (at least ${MIN_BACKUP_PASSPHRASE_LENGTH} characters)</label>
          <input id="backup-passphrase" type="password" data-testid="backup-passphrase" autocomplete="new-password"
            .value=${this.passphrase} @input=${(e: Event) => { this.passphrase = (e.target as HTMLInputElement).value }}
            @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') { void this.export() } }}>
        </div>
        <button data-testid="backup-export" ?disabled=${this.busy} @click=${this.export}>${this.busy ? 'Encrypting…' : 'Download encrypted backup'}</button>
        ${this.done ? html`<p class="muted" role="status">Backup saved. Keep the file and the passphrase apart.</p>` : nothing}
        ${this.error != null ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </div>
    `
  }
}

/** Hands bytes to the browser as a file download */
function download (bytes: Uint8Array, filename: string): void {
  const url = URL.createObjectURL(new Blob([Uint8Array.from(bytes)], { type: 'application/octet-stream' }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => { URL.revokeObjectURL(url) }, 10_000)
}

declare global {
  interface HTMLElementTagNameMap {
    'backup-export-form': BackupExportForm
  }
}
