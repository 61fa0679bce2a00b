/**
 * Ethereum wallet sign-in, loaded only when the user picks it (a dynamic
 * `import()`): EIP-6963 discovery of the injected wallets, and an EIP-1193
 * signer for core's `createWalletIdentity`. The wallet signs once, a
 * Sign-In with Ethereum message that authorizes this device's keys.
 */

import { createWalletIdentity } from '@hypha/core'
import { WalletError } from '../errors.ts'
import type { LocalIdentity, WalletSigner } from '@hypha/core'

/** Wallets listed at most; more announcements are ignored */
export const MAX_WALLET_PROVIDERS = 16

/** Longest wallet name shown */
export const MAX_WALLET_NAME_LENGTH = 64

/** Largest wallet icon accepted (a data: URI), in characters */
export const MAX_WALLET_ICON_LENGTH = 128 * 1024

/** The EIP-1193 provider interface, as much of it as is used here */
export interface Eip1193Provider {
  request(args: { method: string, params?: unknown[] }): Promise<unknown>
}

export interface WalletInfo {
  uuid: string
  name: string
  /** A data: URI, or '' when the wallet announced none (or an unsafe one) */
  icon: string
  /** Reverse DNS name of the wallet, e.g. `io.metamask` */
  rdns: string
}

export interface WalletProvider {
  info: WalletInfo
  provider: Eip1193Provider
}

/**
 * Listens for EIP-6963 announcements and asks the wallets to announce
 * themselves. `onChange` gets the list each time it grows. Returns the
 * function that stops listening.
 */
export function watchWalletProviders (onChange: (providers: WalletProvider[]) => void, target: EventTarget = window): () => void {
  const found = new Map<string, WalletProvider>()
  const onAnnounce = (event: Event): void => {
    const detail = (event as CustomEvent).detail
    const announced = checkAnnouncement(detail)
    if (announced == null || found.has(announced.info.uuid) || found.size >= MAX_WALLET_PROVIDERS) { return }
    found.set(announced.info.uuid, announced)
    onChange([...found.values()])
  }
  target.addEventListener('eip6963:announceProvider', onAnnounce)
  target.dispatchEvent(new Event('eip6963:requestProvider'))
  return () => { target.removeEventListener('eip6963:announceProvider', onAnnounce) }
}

/** An announcement's info and provider, or undefined when it is malformed */
export function checkAnnouncement (detail: unknown): WalletProvider | undefined {
  if (detail == null || typeof detail !== 'object') { return undefined }
  const { info, provider } = detail as { info?: Record<string, unknown>, provider?: Eip1193Provider }
  if (info == null || typeof info !== 'object' || provider == null || typeof provider.request !== 'function') { return undefined }
  const { uuid, name, icon, rdns } = info
  if (typeof uuid !== 'string' || uuid === '' || uuid.length > 64) { return undefined }
  if (typeof name !== 'string' || name.trim() === '') { return undefined }
  if (typeof rdns !== 'string' || rdns.length > 255) { return undefined }
  // EIP-6963: the icon is a data URI; anything else (a remote URL) is dropped, the CSP would refuse it anyway
  const safeIcon = typeof icon === 'string' && icon.length <= MAX_WALLET_ICON_LENGTH && /^data:image\/(svg\+xml|png|jpeg|webp|gif)[;,]/.test(icon) ? icon : ''
  return { info: { uuid, name: name.trim().slice(0, MAX_WALLET_NAME_LENGTH), icon: safeIcon, rdns }, provider }
}

/** `0x` + the hex of the UTF-8 bytes of `text`: what `personal_sign` takes */
export function utf8Hex (text: string): string {
  let out = '0x'
  for (const byte of new TextEncoder().encode(text)) {
    out += byte.toString(16).padStart(2, '0')
  }
  return out
}

/**
 * Asks the wallet for its account (`eth_requestAccounts`) and returns a
 * signer whose `signMessage` is EIP-1193 `personal_sign`.
 *
 * @throws {WalletError} when the wallet refuses or has no account
 */
export async function walletSigner (provider: Eip1193Provider): Promise<WalletSigner> {
  let accounts: unknown
  try {
    accounts = await provider.request({ method: 'eth_requestAccounts' })
  } catch (err: any) {
    throw new WalletError(`the wallet did not share an account: ${err?.message ?? 'refused'}`)
  }
  const address = Array.isArray(accounts) ? accounts[0] : undefined
  if (typeof address !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new WalletError('the wallet has no Ethereum account to share')
  }
  return {
    getAddress: () => address,
    async signMessage (message: string): Promise<string> {
      let signature: unknown
      try {
        signature = await provider.request({ method: 'personal_sign', params: [utf8Hex(message), address] })
      } catch (err: any) {
        throw new WalletError(`the wallet did not sign: ${err?.message ?? 'refused'}`)
      }
      if (typeof signature !== 'string') {
        throw new WalletError('the wallet answered personal_sign with something other than a signature')
      }
      return signature
    }
  }
}

/**
 * A new wallet (did:pkh) identity for this device. The SIWE message names this
 * app's host and origin, which core checks.
 */
export async function createWalletIdentityWith (provider: Eip1193Provider, options: { name: string, domain: string, uri: string }): Promise<LocalIdentity> {
  const signer = await walletSigner(provider)
  return createWalletIdentity(signer, { domain: options.domain, uri: options.uri }, { name: options.name })
}
