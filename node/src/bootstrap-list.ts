/**
 * Split a comma-separated list of bootstrap multiaddrs, as given to
 * `--bootstrap` or `HYPHA_BOOTSTRAP`.
 *
 * Entries are trimmed and empty entries dropped, so `"/a, /b,"` is two
 * addresses. Only the shape is checked here (a multiaddr string starts with
 * `/`); the full parse happens when the node dials.
 *
 * @throws {TypeError} when an entry does not start with "/"
 */
export function parseBootstrapList (value: string | undefined): string[] {
  if (value === undefined) {
    return []
  }

  if (typeof value !== 'string') {
    throw new TypeError(`bootstrap list must be a string, got ${typeof value}`)
  }

  const addrs: string[] = []

  for (const entry of value.split(',')) {
    const addr = entry.trim()

    if (addr === '') {
      continue
    }

    if (!addr.startsWith('/')) {
      throw new TypeError(`invalid bootstrap multiaddr "${addr}": a multiaddr starts with "/"`)
    }

    addrs.push(addr)
  }

  return addrs
}
