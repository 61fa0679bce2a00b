/** @type {import('aegir').PartialOptions} */
export default {
  dependencyCheck: {
    // `events` is never imported by name: level's browser build needs it under vite (STACK.md "Storage")
    ignore: ['events'],
    // vite.config.ts is build tooling: vite and vite-plugin-pwa are devDependencies
    productionIgnorePatterns: ['/benchmark', '/benchmarks', '/dist', '/test', '.aegir.js', 'vite.config.ts']
  }
}
