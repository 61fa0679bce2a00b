/**
 * Merges several ordered lists of the same items (each a subsequence of one
 * true order, say the deposit order seen by each of several mailboxes) into
 * one list holding every item once, in an order that keeps the order of every
 * list. A topological sort of the "comes right before" edges of all lists;
 * among items free to go next, the one with the lowest `time` (when given;
 * say the time a mailbox stored it), then the one first seen, goes first.
 * Lists that disagree (a cycle) still merge: the earliest-seen waiting item
 * breaks it.
 */
export function orderedMerge<T> (lists: T[][], key: (item: T) => string, time: (item: T) => number = () => 0): T[] {
  const items = new Map<string, { item: T, rank: number, before: Set<string>, waitingFor: number }>()
  for (const list of lists) {
    for (const item of list) {
      const k = key(item)
      if (!items.has(k)) { items.set(k, { item, rank: items.size, before: new Set(), waitingFor: 0 }) }
    }
  }
  for (const list of lists) {
    for (let i = 1; i < list.length; i++) {
      const from = items.get(key(list[i - 1]))
      const to = key(list[i])
      if (from != null && to !== key(list[i - 1]) && !from.before.has(to)) {
        from.before.add(to)
        const target = items.get(to)
        if (target != null) { target.waitingFor++ }
      }
    }
  }
  const entries = [...items.values()]
  const ready = new MinHeap((x, y) => (time(entries[x].item) - time(entries[y].item)) || x - y)
  for (const entry of entries) {
    if (entry.waitingFor === 0) { ready.push(entry.rank) }
  }
  const out: T[] = []
  const done = new Set<number>()
  let scan = 0
  while (out.length < entries.length) {
    let rank = ready.pop()
    while (rank != null && done.has(rank)) { rank = ready.pop() }
    if (rank == null) {
      // a cycle: the earliest-seen item still waiting goes next
      while (done.has(scan)) { scan++ }
      rank = scan
    }
    const entry = entries[rank]
    done.add(rank)
    out.push(entry.item)
    for (const k of entry.before) {
      const target = items.get(k)
      if (target != null && --target.waitingFor === 0 && !done.has(target.rank)) { ready.push(target.rank) }
    }
  }
  return out
}

/** A binary min-heap of numbers, by `compare` */
class MinHeap {
  private readonly heap: number[] = []
  private readonly compare: (a: number, b: number) => number

  constructor (compare: (a: number, b: number) => number) {
    this.compare = compare
  }

  push (value: number): void {
    const h = this.heap
    h.push(value)
    for (let i = h.length - 1; i > 0;) {
      const parent = (i - 1) >> 1
      if (this.compare(h[parent], h[i]) <= 0) { break }
      [h[parent], h[i]] = [h[i], h[parent]]
      i = parent
    }
  }

  pop (): number | undefined {
    const h = this.heap
    if (h.length === 0) { return undefined }
    const top = h[0]
    const last = h.pop() as number
    if (h.length > 0) {
      h[0] = last
      for (let i = 0; ;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && this.compare(h[l], h[m]) < 0) { m = l }
        if (r < h.length && this.compare(h[r], h[m]) < 0) { m = r }
        if (m === i) { break }
        [h[m], h[i]] = [h[i], h[m]]
        i = m
      }
    }
    return top
  }
}
