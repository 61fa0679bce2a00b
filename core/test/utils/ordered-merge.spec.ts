import { expect } from 'aegir/chai'
import { orderedMerge } from '../../src/utils/ordered-merge.ts'

const id = (x: string): string => x

describe('orderedMerge', () => {
  it('merges subsequences of one order back into it, every item once', () => {
    expect(orderedMerge([['a', 'b', 'd', 'e'], ['a', 'c', 'd'], ['b', 'c', 'e']], id)).to.deep.equal(['a', 'b', 'c', 'd', 'e'])
  })

  it('breaks ties by time, then by first sight', () => {
    const time = (x: string): number => ({ a: 1, b: 3, c: 2, d: 4 } as Record<string, number>)[x]
    // b and c are unordered by the lists; c has the earlier time
    expect(orderedMerge([['a', 'b', 'd'], ['a', 'c', 'd']], id, time)).to.deep.equal(['a', 'c', 'b', 'd'])
    expect(orderedMerge([['a', 'b', 'd'], ['a', 'c', 'd']], id)).to.deep.equal(['a', 'b', 'c', 'd'])
  })

  it('still merges lists that disagree (a cycle), each item once', () => {
    const merged = orderedMerge([['a', 'b', 'c'], ['c', 'b', 'a']], id)
    expect([...merged].sort()).to.deep.equal(['a', 'b', 'c'])
  })

  it('handles empty lists, duplicates within a list, and a large merge', () => {
    expect(orderedMerge([], id)).to.deep.equal([])
    expect(orderedMerge([[], ['x']], id)).to.deep.equal(['x'])
    expect(orderedMerge([['x', 'x', 'y']], id)).to.deep.equal(['x', 'y'])
    const all = Array.from({ length: 20_000 }, (_, i) => String(i).padStart(5, '0'))
    const lists = [all.filter((_, i) => i % 3 !== 0), all.filter((_, i) => i % 3 !== 1), all.filter((_, i) => i % 3 !== 2)]
    expect(orderedMerge(lists, id)).to.deep.equal(all)
  })
})
