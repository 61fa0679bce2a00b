/**
 * The static app: `vite build` writes it to dist/app (index.html, hashed
 * assets, manifest.webmanifest, sw.js, icons). A relative base, so any static
 * host can serve it from any path; config.json is fetched beside it.
 */

import { mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import type { Plugin } from 'vite'

/** Largest file the service worker precaches (the networking chunk is the biggest) */
const MAX_PRECACHE_FILE_BYTES = 8 * 1024 * 1024

/**
 * kad-dht's 65,536-number prefix table (about 60 KB gzipped) is replaced by
 * src/peer/kad-refresh-keys.ts, which says why that is enough for a tab
 */
function kadRefreshKeys (): Plugin {
  const stand = fileURLToPath(new URL('./src/peer/kad-refresh-keys.ts', import.meta.url))
  return {
    name: 'hypha-kad-refresh-keys',
    enforce: 'pre',
    resolveId (source, importer) {
      if (importer?.includes('/@libp2p/kad-dht/') === true && /\/generated-prefix-list(-browser)?\.js$/.test(source)) {
        return stand
      }
      return null
    }
  }
}

/**
 * @libp2p/crypto's RSA, ECDSA and secp256k1 key code is replaced by
 * src/peer/no-rsa-ecdsa-keys.ts, which says why a tab does without it
 */
function noRsaEcdsaKeys (): Plugin {
  const stand = fileURLToPath(new URL('./src/peer/no-rsa-ecdsa-keys.ts', import.meta.url))
  return {
    name: 'hypha-no-rsa-ecdsa-keys',
    enforce: 'pre',
    resolveId (source, importer) {
      if (importer?.endsWith('/@libp2p/crypto/dist/src/keys/index.js') === true && /^\.\/(rsa|ecdsa|secp256k1)\//.test(source)) {
        return stand
      }
      return null
    }
  }
}

/**
 * abstract-level and level-transcoder work without Buffer: they read
 * `require('buffer') || <fallback>` and need Buffer only for the `buffer`
 * encoding, which browser-level (a `view` store) never uses. The npm `buffer`
 * polyfill (with base64-js and ieee754, about 8 KB gzipped) is left out by
 * answering their `require('buffer')` with null.
 */
function levelWithoutBuffer (): Plugin {
  const id = '\0hypha-no-buffer'
  return {
    name: 'hypha-level-without-buffer',
    enforce: 'pre',
    resolveId (source, importer) {
      if (source === 'buffer' && importer != null && /\/(abstract-level|level-transcoder)\//.test(importer)) {
        return id
      }
      return null
    },
    load (loaded) {
      return loaded === id ? 'module.exports = null\n' : null
    }
  }
}

/**
 * Every libp2p package depends on the same p-event release, but npm nests a
 * copy under each one (the root holds another major for dev tooling): six
 * identical copies in the bundle. Bare `p-event` imports from the libp2p
 * packages all resolve to the copy libp2p itself resolves.
 */
function oneCopyOf (name: string, owner: string): Plugin {
  // the owner's entry: resolving from it finds the copy the owner uses
  const ownerEntry = fileURLToPath(import.meta.resolve(owner))
  return {
    name: `hypha-one-copy-of-${name}`,
    enforce: 'pre',
    async resolveId (source, importer) {
      if (source !== name || importer == null || !/\/node_modules\/(@libp2p\/|libp2p\/)/.test(importer)) {
        return null
      }
      return this.resolve(source, ownerEntry, { skipSelf: true })
    }
  }
}

/**
 * workbox-build writes the service worker's entry through tempy into the
 * temp directory and never removes it (one folder with a sw.js per build):
 * during a build the temp directory is this package's .build-tmp (in
 * .gitignore), emptied when the build starts and removed once the service
 * worker is written (the last step of closeBundle)
 */
function ownTempDir (): Plugin {
  const dir = fileURLToPath(new URL('./.build-tmp', import.meta.url))
  let before: string | undefined
  return {
    name: 'hypha-own-temp-dir',
    apply: 'build',
    buildStart () {
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir, { recursive: true })
      before = process.env.TMPDIR
      process.env.TMPDIR = dir
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      handler () {
        if (before == null) { delete process.env.TMPDIR } else { process.env.TMPDIR = before }
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}

/**
 * Core modules loaded on demand only (see manualChunks): the group engine and
 * what only it uses, backups (export, import: scrypt and the backup codec), and
 * wallet signatures (SIWE: secp256k1, for wallet accounts and their device lists)
 */
const ON_DEMAND = /\/(core\/dist\/src\/(groups\/(engine|log|wire)|crypto\/sender-keys|protocol\/pb\/(group|backup)|identity\/(backup|siwe))|node_modules\/@noble\/(hashes\/scrypt|curves\/(secp256k1|abstract\/weierstrass|abstract\/hash-to-curve)))\.js$/

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    target: 'es2022',
    // every browser the app runs in (WebRTC, WebCrypto X25519) supports <link rel=modulepreload>
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        // core and its crypto, needed by both the entry and the networking chunk, as one chunk
        // rather than several small ones (each chunk costs its own gzip stream and import glue);
        // not what is loaded on demand only (ON_DEMAND: the group engine, which the Messenger imports
        // on first use, and backups): forced into this chunk, it would load with every start
        manualChunks: (id: string) => /\/core\/dist\/|\/node_modules\/@noble\//.test(id) && !ON_DEMAND.test(id) ? 'core' : undefined
      }
    },
    sourcemap: false,
    // the app is one page: the budget is checked by hand (README), not by vite's 500 kB warning
    chunkSizeWarningLimit: 2048
  },
  plugins: [
    ownTempDir(),
    oneCopyOf('p-event', 'libp2p'),
    kadRefreshKeys(),
    noRsaEcdsaKeys(),
    levelWithoutBuffer(),
    VitePWA({
      strategies: 'generateSW',
      // the app registers the service worker itself (workbox-window in src/main.ts): no inline script
      injectRegister: false,
      registerType: 'autoUpdate',
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      includeAssets: ['icon.svg', 'icon-192.png', 'icon-512.png'],
      manifest: {
        name: 'Hypha',
        short_name: 'Hypha',
        description: 'End-to-end encrypted messages, peer to peer, in your browser',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#f4f6f8',
        theme_color: '#2f6f4f',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' }
        ]
      },
      workbox: {
        // the app shell: everything vite emitted; config.json is not in it (always from the network)
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/\/config\.json$/],
        maximumFileSizeToCacheInBytes: MAX_PRECACHE_FILE_BYTES,
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true
      }
    })
  ]
})
