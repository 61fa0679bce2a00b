import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'aegir/chai'
import { fromString } from 'uint8arrays/from-string'
import { importBackup, localDevice, prekeyStore, SenderKeyReceiver, SessionManager, verifyDeviceList } from '../../src/index.ts'
import { deriveHandshake } from '../fixtures/independent.ts'
import { protocolVectors } from '../fixtures/vectors.ts'
import type { Vectors } from '../fixtures/vectors.ts'

/** PROTOCOL.md at the repository root, found upward from this file (src or dist) */
function protocolMd (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    try {
      return readFileSync(join(dir, 'PROTOCOL.md'), 'utf8')
    } catch {
      dir = dirname(dir)
    }
  }
  throw new Error('PROTOCOL.md not found')
}

function documentedVectors (): Vectors {
  const text = protocolMd()
  const block = text.split('<!-- vectors:begin -->')[1]?.split('<!-- vectors:end -->')[0]
  if (block == null) { throw new Error('no vectors block in PROTOCOL.md') }
  return JSON.parse(block.replace(/```json|```/g, ''))
}

const bytes = (hex: string | number): Uint8Array => fromString(String(hex), 'base16')

describe('PROTOCOL.md test vectors', function () {
  this.timeout(60_000)
  let documented: Vectors

  before(() => {
    documented = documentedVectors()
  })

  it('are produced exactly by this implementation', async () => {
    expect(await protocolVectors()).to.deep.equal(documented)
  })

  it('follow the handshake formulas of section 7 (re-derived with noble alone)', () => {
    const derived = deriveHandshake({
      aliceIdentityPublic: String(documented.alice.deviceIdentityPublic),
      bobIdentitySecret: String(documented.bob.deviceIdentitySecret),
      bobIdentityPublic: String(documented.bob.deviceIdentityPublic),
      bobSignedPrekeySecret: String(documented.bob.signedPrekeySecret),
      bobKemPrekeySeed: String(documented.bob.kemPrekeySeed),
      bobOneTimePrekeySecret: String(documented.bob.oneTimePrekeySecret),
      envelope: String(documented.session.aliceToBobPrekeyEnvelope)
    })
    expect(derived).to.deep.equal(documented.handshake)
    expect(derived.firstPlaintext).to.equal('Hello, Bob')
    expect(derived.senderSigningKey).to.equal(documented.alice.deviceSigningPublic)
  })

  it('verify as records: device lists, the wallet authorization, the group message', async () => {
    const alice = await verifyDeviceList(bytes(documented.alice.signedDeviceList), String(documented.alice.userId))
    expect(alice.version).to.equal(1)
    const wallet = await verifyDeviceList(bytes(documented.wallet.signedDeviceList), String(documented.wallet.userId))
    expect(wallet.userId).to.match(/^did:pkh:eip155:1:0x/)
    const receiver = SenderKeyReceiver.fromDistribution(bytes(documented.senderKey.distribution))
    expect(new TextDecoder().decode(await receiver.decrypt(bytes(documented.senderKey.message)))).to.equal(documented.senderKey.plaintext)
  })

  it('open: the backup gives back Alice\'s identity, without sessions', async () => {
    const alice = await importBackup(bytes(documented.backup.file), String(documented.backup.passphrase))
    expect(alice.userId).to.equal(documented.alice.userId)
    // Bob's reply was made for the session the vector started; a restored Alice has no session, so it is unknown
    const sessions = new SessionManager(localDevice(alice), prekeyStore(alice))
    const err = await sessions.decrypt(bytes(documented.session.bobToAliceRatchetMessage)).catch((e: Error) => e)
    expect((err as Error).name).to.equal('UnknownSessionError')
  })
})
