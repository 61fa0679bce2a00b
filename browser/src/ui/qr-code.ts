import { LitElement, css, html } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import type { qrPath } from '../qr.ts'

/** The QR encoder, loaded on the first QR code shown (only the invite and safety-number screens draw one) */
let encoder: Promise<typeof qrPath> | undefined

/** A QR code of `text`, drawn as an inline SVG */
@customElement('qr-code')
export class QrCode extends LitElement {
  static styles = css`
    :host { display: inline-block; line-height: 0; }
    svg { width: var(--qr-size, 180px); height: var(--qr-size, 180px); background: #fff; }
  `

  /** What the code encodes */
  @property()
  text = ''

  /** Accessible description */
  @property()
  label = 'QR code'

  @state()
  private encode?: typeof qrPath

  connectedCallback (): void {
    super.connectedCallback()
    encoder ??= import('../qr.ts').then(m => m.qrPath)
    void encoder.then(encode => { this.encode = encode })
  }

  render (): unknown {
    if (this.text === '' || this.encode == null) { return null }
    const { size, path } = this.encode(this.text)
    return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" role="img" aria-label=${this.label}><path fill="#000" d=${path}></path></svg>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'qr-code': QrCode
  }
}
