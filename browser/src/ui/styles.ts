/** Styles shared by the components (adopted stylesheets: nothing inline, CSP-safe) */

import { css } from 'lit'

export const baseStyles = css`
  :host {
    box-sizing: border-box;
    font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    color: var(--fg, #1d2330);
  }
  *, *::before, *::after { box-sizing: inherit; }
  h1, h2, h3 { margin: 0 0 .5rem; line-height: 1.2; }
  h2 { font-size: 1.15rem; }
  h3 { font-size: 1rem; }
  p { margin: .25rem 0 .75rem; }
  button {
    font: inherit;
    padding: .45rem .9rem;
    border-radius: .5rem;
    border: 1px solid var(--accent, #2f6f4f);
    background: var(--accent, #2f6f4f);
    color: #fff;
    cursor: pointer;
  }
  button.secondary { background: transparent; color: var(--accent, #2f6f4f); }
  button.danger { background: #a33; border-color: #a33; }
  button:disabled { opacity: .55; cursor: default; }
  input, textarea {
    font: inherit;
    padding: .45rem .6rem;
    border: 1px solid var(--line, #c8cfd8);
    border-radius: .5rem;
    background: #fff;
    color: inherit;
    min-width: 0;
  }
  textarea { width: 100%; }
  code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85em; word-break: break-all; }
  .error { color: #a33; }
  .muted { color: var(--muted, #5d6675); font-size: .9em; }
  .row { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
  .card { border: 1px solid var(--line, #c8cfd8); border-radius: .75rem; padding: 1rem; background: var(--card, #fff); }
  .stack > * + * { margin-top: .75rem; }
`
