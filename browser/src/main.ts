/**
 * The app's entry (index.html loads it): defines the components, registers
 * the service worker that keeps the app shell for offline starts.
 */

import './ui/hypha-app.ts'

async function registerServiceWorker (): Promise<void> {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) { return }
  // sw.js is workbox's, emitted by vite-plugin-pwa beside index.html (relative: the app may live under
  // any path); it takes over at once (skipWaiting, clientsClaim), so the browser's own API is enough
  await navigator.serviceWorker.register('./sw.js', { scope: './' })
}

window.addEventListener('load', () => {
  registerServiceWorker().catch(() => {
    // no service worker (vite's dev server, a private window): the app still runs, online only
  })
}, { once: true })
