import { consume } from '@lit/context'
import { LitElement, css, html } from 'lit'
import { customElement } from 'lit/decorators.js'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { HyphaClient } from '../hypha-client.ts'
import './backup-export-form.ts'

/** Right after sign-up: save an encrypted backup now, or later from the settings */
@customElement('backup-offer')
export class BackupOffer extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  render (): unknown {
    return html`
      <section class="card stack">
        <h2>Back up your identity</h2>
        <p>Your keys live only in this browser. If its data is cleared, they are gone, and so is your user id.
          An encrypted backup file lets you restore them, here or in another browser.</p>
        <backup-export-form @backup-exported=${() => { this.client?.finishBackupOffer() }}></backup-export-form>
        <button class="secondary" data-testid="backup-skip" @click=${() => { this.client?.finishBackupOffer() }}>Not now</button>
        <p class="muted">You can export a backup later from the settings.</p>
      </section>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'backup-offer': BackupOffer
  }
}
