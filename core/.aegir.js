/**
 * aegir config for @hypha/core.
 *
 * Browser tests run in Debian's Chromium (/usr/bin/chromium): playwright-test
 * always tries to download its own browser, and downloads are blocked on the
 * machines this project uses. So we point PLAYWRIGHT_BROWSERS_PATH at a local
 * folder, mark playwright's headless shell as installed there, and launch
 * Debian's binary instead. See /work/shared/STACK.md, "aegir 48".
 */
import { mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, dirname } from 'node:path'

const PW_DIR = join(import.meta.dirname, '.pw-browsers') // in .gitignore
process.env.PLAYWRIGHT_BROWSERS_PATH = PW_DIR

// playwright-test makes a browser profile and a service worker folder in the temp directory and
// never removes them, and Chromium adds its own: the browser tests get a temp directory of their
// own here, emptied before a run (whatever a failed run left) and removed after it
const PW_TMP = join(import.meta.dirname, '.pw-tmp') // in .gitignore

const pwTest = createRequire(import.meta.url).resolve('playwright-test/package.json')
const pwCore = createRequire(pwTest).resolve('playwright-core')
const revision = JSON.parse(readFileSync(join(dirname(pwCore), 'browsers.json'), 'utf8'))
  .browsers.find(browser => browser.name === 'chromium-headless-shell').revision
const shellDir = join(PW_DIR, `chromium_headless_shell-${revision}`)
mkdirSync(shellDir, { recursive: true })
writeFileSync(join(shellDir, 'INSTALLATION_COMPLETE'), '')

export default {
  dependencyCheck: {
    // protons' generator (npm run generate) needs protobufjs beside it
    ignore: ['protobufjs']
  },
  test: {
    before: async () => {
      rmSync(PW_TMP, { recursive: true, force: true })
      mkdirSync(PW_TMP, { recursive: true })
      return { env: { PLAYWRIGHT_BROWSERS_PATH: PW_DIR, TMPDIR: PW_TMP } }
    },
    after: async () => {
      rmSync(PW_TMP, { recursive: true, force: true })
    },
    browser: {
      config: {
        browserContextOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync'
          ]
        }
      }
    }
  }
}
