import { consume } from '@lit/context'
import { LitElement, css, html } from 'lit'
import { customElement } from 'lit/decorators.js'
import { EventsController } from '../controllers/events-controller.ts'
import { clientContext } from './context.ts'
import { baseStyles } from './styles.ts'
import type { HyphaClient } from '../hypha-client.ts'

/** Online (a bootstrap node connected) or offline, and what the network is doing */
@customElement('online-indicator')
export class OnlineIndicator extends LitElement {
  static styles = [baseStyles, css`
    :host { display: block; }
    .state { display: inline-flex; align-items: center; gap: .4rem; font-weight: 600; }
    .dot { width: .7rem; height: .7rem; border-radius: 50%; background: #a33; }
    [data-state=online] .dot { background: #2a8a4a; }
    .status { display: block; }
  `]

  @consume({ context: clientContext })
  client?: HyphaClient

  /** Connections open and close, the browser goes on and off line */
  protected readonly network = new EventsController(this, () => this.client, ['network'])

  render (): unknown {
    const online = this.client?.online === true
    return html`
      <div data-testid="online-state" data-state=${online ? 'online' : 'offline'} role="status">
        <span class="state"><span class="dot"></span>${online ? 'Online' : 'Offline'}</span>
        ${online ? '' : html`<span class="status muted">${this.client?.status ?? ''}. Messages you write now go out when you are back online.</span>`}
      </div>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'online-indicator': OnlineIndicator
  }
}
