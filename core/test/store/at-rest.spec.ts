import { expect } from 'aegir/chai'
import { MemoryLevel } from 'memory-level'
import { Messenger, atRestCipher, createIdentity, saveIdentity } from '../../src/index.ts'
import type { MessengerMesh } from '../../src/index.ts'

const OFFLINE = { dht: {}, pubsub: {} } as unknown as MessengerMesh

function contains (haystack: Uint8Array, needle: Uint8Array): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((byte, j) => haystack[i + j] === byte)) { return true }
  }
  return false
}

describe('secrets sealed at rest', () => {
  it('keeps no private key in the clear; opens with the data key only', async () => {
    const dataKey = crypto.getRandomValues(new Uint8Array(32))
    const identity = await createIdentity({ name: 'A', oneTimePrekeys: 1 })
    const db = new MemoryLevel<string, any>({ valueEncoding: 'view' })
    await saveIdentity(db, identity, atRestCipher(dataKey))

    // every stored byte: neither the signing secret nor the prekey secrets appear
    const secrets = [identity.device.signing.secretKey, identity.signedPrekeys[0].keyPair.secretKey]
    for await (const [, value] of db.iterator({ keyEncoding: 'utf8', valueEncoding: 'view' })) {
      for (const secret of secrets) {
        expect(contains(value, secret)).to.be.false()
      }
    }

    const opened = await Messenger.open({ db, mesh: OFFLINE, atRest: atRestCipher(dataKey) })
    expect(opened.userId).to.equal(identity.userId)
    // another key, or none, opens nothing
    const wrong = await Messenger.open({ db, mesh: OFFLINE, atRest: atRestCipher(new Uint8Array(32).fill(7)) }).then(() => undefined, (err: Error) => err)
    expect(wrong?.name).to.equal('DecryptionError')
    const none = await Messenger.open({ db, mesh: OFFLINE }).then(() => undefined, (err: Error) => err)
    expect(none).to.be.instanceOf(Error)
    expect(() => atRestCipher(new Uint8Array(31))).to.throw(TypeError)
    await db.close()
  })
})
