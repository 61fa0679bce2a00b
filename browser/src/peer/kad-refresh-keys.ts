/**
 * Stands in for kad-dht's `generated-prefix-list` in the app bundle (the
 * vite config swaps it in): that module is a table of 65,536 precomputed
 * numbers (99 KB, about 60 KB gzipped, a fifth of the app) whose only use is
 * to aim the routing-table refresh's random-walk queries at keys of an exact
 * common-prefix length, one query per k-bucket.
 *
 * A tab is a DHT client holding a handful of servers (its bootstrap nodes):
 * its buckets are nearly empty whatever the refresh aims at. Here each
 * lookup gives a random 32-bit prefix: the refresh still walks the DHT and
 * meets servers, only not bucket by bucket.
 */

function randomPrefix (): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]
}

/** Reads like the table (`prefixes[i]`), answers a random prefix */
const prefixes: number[] = new Proxy<number[]>([], {
  get (target, key, receiver) {
    if (typeof key === 'string' && /^[0-9]+$/.test(key)) { return randomPrefix() }
    return Reflect.get(target, key, receiver)
  }
})

export default prefixes
