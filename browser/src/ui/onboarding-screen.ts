import { constants } from '@hypha/core'
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { HyphaClient } from '../hypha-client.ts'
import type { WalletProvider } from '../wallet/eip6963.ts'

/** How long to wait for wallets to announce themselves before saying there is none (ms) */
export const WALLET_DISCOVERY_WAIT = 1_000

/** The first screen: a new key-pair identity, an Ethereum wallet, or a backup */
@customElement('onboarding-screen')
export class OnboardingScreen extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; }
    .card + .card { margin-top: 1rem; }
    label { display: block; margin-bottom: .25rem; font-weight: 600; }
    input[type=text], input[type=password] { width: 100%; }
    .providers { display: flex; flex-direction: column; gap: .5rem; margin-top: .75rem; }
    .providers button { display: flex; align-items: center; gap: .5rem; justify-content: flex-start; }
    .providers img { width: 24px; height: 24px; }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  @state() private name = ''
  @state() private busy?: string
  @state() private error?: string
  @state() private walletOpen = false
  @state() private wallets: WalletProvider[] = []
  @state() private walletSearchDone = false
  @state() private backupFile?: Uint8Array
  @state() private passphrase = ''

  private stopWalletWatch?: () => void
  private walletTimer?: ReturnType<typeof setTimeout>

  disconnectedCallback (): void {
    super.disconnectedCallback()
    this.stopWalletWatch?.()
    clearTimeout(this.walletTimer)
  }

  private async run (what: string, task: () => Promise<void>): Promise<void> {
    if (this.busy != null) { return }
    this.busy = what
    this.error = undefined
    try {
      await task()
    } catch (err: any) {
      this.error = describe(err)
    } finally {
      this.busy = undefined
    }
  }

  private async create (): Promise<void> {
    await this.run('Creating your keys…', async () => { await this.client?.createIdentity(this.name) })
  }

  private async openWallets (): Promise<void> {
    if (this.walletOpen) { return }
    await this.run('Looking for wallets…', async () => {
      const { watchWalletProviders } = await import('../wallet/eip6963.ts')
      this.walletOpen = true
      this.stopWalletWatch = watchWalletProviders(list => { this.wallets = list })
      this.walletTimer = setTimeout(() => { this.walletSearchDone = true }, WALLET_DISCOVERY_WAIT)
    })
  }

  private async useWallet (wallet: WalletProvider): Promise<void> {
    await this.run(`Waiting for ${wallet.info.name}…`, async () => { await this.client?.createWalletIdentity(wallet, this.name) })
  }

  private async pickBackup (event: Event): Promise<void> {
    const input = event.target as HTMLInputElement
    const file = input.files?.[0]
    this.backupFile = undefined
    this.error = undefined
    if (file == null) { return }
    if (file.size > constants.MAX_BACKUP_BYTES) {
      this.error = `That file is too large for a Hypha backup (at most ${constants.MAX_BACKUP_BYTES} bytes).`
      return
    }
    this.backupFile = new Uint8Array(await file.arrayBuffer())
  }

  private async restore (): Promise<void> {
    const file = this.backupFile
    if (file == null) {
      this.error = 'Choose a backup file first.'
      return
    }
    await this.run('Opening the backup…', async () => { await this.client?.restoreBackup(file, this.passphrase) })
  }

  render (): unknown {
    const busy = this.busy != null
    return html`
      <h1>Hypha</h1>
      <p class="muted">End-to-end encrypted messages between browsers, with no server in the middle. Your keys stay in this browser.</p>

      <section class="card stack">
        <h2>New here</h2>
        <div>
          <label for="name">Your name (optional, only your contacts see it)</label>
          <input id="name" type="text" data-testid="name-input" maxlength=${constants.MAX_NAME_LENGTH} autocomplete="nickname"
            .value=${this.name} @input=${(e: Event) => { this.name = (e.target as HTMLInputElement).value }}>
        </div>
        <div class="row">
          <button data-testid="create-identity" ?disabled=${busy} @click=${this.create}>Create my identity</button>
          <button class="secondary" data-testid="wallet-sign-in" ?disabled=${busy} @click=${this.openWallets}>Sign in with an Ethereum wallet</button>
        </div>
        ${this.walletOpen ? this.renderWallets() : nothing}
      </section>

      <section class="card stack">
        <h2>Restore from a backup</h2>
        <div>
          <label for="backup">Backup file</label>
          <input id="backup" type="file" data-testid="restore-backup" @change=${this.pickBackup}>
        </div>
        <div>
          <label for="passphrase">Passphrase</label>
          <input id="passphrase" type="password" data-testid="backup-passphrase" autocomplete="current-password"
            .value=${this.passphrase} @input=${(e: Event) => { this.passphrase = (e.target as HTMLInputElement).value }}>
        </div>
        <button data-testid="restore-submit" ?disabled=${busy} @click=${this.restore}>Restore</button>
      </section>

      ${this.busy != null ? html`<p role="status">${this.busy}</p>` : nothing}
      ${this.error != null ? html`<p class="error" role="alert" data-testid="onboarding-error">${this.error}</p>` : nothing}
    `
  }

  private renderWallets (): unknown {
    return html`
      <div class="providers" role="list">
        ${this.wallets.map(wallet => html`
          <button class="secondary" role="listitem" data-testid="wallet-provider" data-rdns=${wallet.info.rdns}
            ?disabled=${this.busy != null} @click=${() => { void this.useWallet(wallet) }}>
            ${wallet.info.icon !== '' ? html`<img alt="" src=${wallet.info.icon}>` : nothing}
            <span>${wallet.info.name}</span>
          </button>`)}
        ${this.wallets.length === 0 && this.walletSearchDone
          ? html`<p class="muted">No wallet found in this browser. Install or unlock one (it announces itself through EIP-6963), then try again.</p>`
          : nothing}
      </div>
    `
  }
}

function describe (err: any): string {
  switch (err?.name) {
    case 'WrongPassphraseError': return 'Wrong passphrase, or the backup file was altered.'
    case 'InvalidBackupError': return 'This is not a Hypha backup file.'
    case 'WalletError': return err.message
    case 'InvalidSignatureError': return 'The wallet\'s signature did not check out.'
    default: return `${err?.name ?? 'Error'}: ${err?.message ?? String(err)}`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'onboarding-screen': OnboardingScreen
  }
}
