import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement } from 'lit/decorators.js'
import { EventsController } from '../controllers/events-controller.ts'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { HyphaClient } from '../hypha-client.ts'

/** How often the panel reads the connections again while open (ms): streams and limits change without events */
export const CONNECTIONS_REFRESH_INTERVAL = 2_000

/** The libp2p connections of this tab: to whom, over what, bootstrap node or peer */
@customElement('connections-panel')
export class ConnectionsPanel extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; padding: 1rem; overflow: auto; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line, #c8cfd8); vertical-align: top; }
    td code { font-size: .8rem; }
    .log { max-height: 16rem; overflow: auto; background: #f6f7f9; padding: .5rem; border-radius: .5rem; font-size: .8rem; white-space: pre-wrap; }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  protected readonly network = new EventsController(this, () => this.client, ['network'])

  private timer?: ReturnType<typeof setInterval>

  connectedCallback (): void {
    super.connectedCallback()
    this.timer = setInterval(() => { this.requestUpdate() }, CONNECTIONS_REFRESH_INTERVAL)
  }

  disconnectedCallback (): void {
    super.disconnectedCallback()
    clearInterval(this.timer)
  }

  render (): unknown {
    const client = this.client
    const rows = client?.connections() ?? []
    return html`
      <h2>Connections</h2>
      <p class="muted">This tab's peer id: <code data-testid="my-peer-id">${client?.node?.peerId.toString() ?? ''}</code></p>
      ${rows.length === 0
        ? html`<p class="muted">No connection.</p>`
        : html`
          <table>
            <thead><tr><th>Peer</th><th>Kind</th><th>Transport</th><th>Address</th></tr></thead>
            <tbody>
              ${rows.map(row => html`
                <tr data-testid="connection" data-peer-id=${row.peerId} data-transport=${row.transport} data-kind=${row.kind}>
                  <td><code>${row.peerId}</code></td>
                  <td>${row.kind}</td>
                  <td>${row.transport}${row.limited ? html` <span class="muted">(limited)</span>` : nothing} <span class="muted">${row.direction}</span></td>
                  <td><code>${row.remoteAddr}</code></td>
                </tr>`)}
            </tbody>
          </table>`}
      <h3>Log</h3>
      <div class="log">${(client?.log ?? []).slice().reverse().join('\n')}</div>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'connections-panel': ConnectionsPanel
  }
}
