import { homedir as osHomedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'

/** Environment variable naming the Hypha home directory */
export const HYPHA_HOME_ENV = 'HYPHA_HOME'

/** Home directory used when neither `--home` nor `HYPHA_HOME` is set, under the user's home */
export const DEFAULT_HOME_DIRNAME = '.hypha'

export interface ResolveHomeOptions {
  /**
   * The `--home` flag, if given; wins over everything else
   */
  home?: string

  /**
   * Environment to read `HYPHA_HOME` from
   *
   * @default process.env
   */
  env?: Record<string, string | undefined>

  /**
   * The user's home directory, for the default and for `~` expansion
   *
   * @default os.homedir()
   */
  homedir?: string
}

/**
 * Where a Hypha node keeps its keys, sessions and messages: the `--home` flag,
 * else `HYPHA_HOME`, else `~/.hypha`. Always an absolute path.
 *
 * A leading `~` is expanded because `--home=~/x` reaches us unexpanded (the
 * shell only expands a `~` at the start of a word). An empty `HYPHA_HOME` counts
 * as unset, as shells treat `HYPHA_HOME= hypha`; an empty `--home` is a mistake.
 *
 * @throws {TypeError} when `home` is the empty string
 */
export function resolveHome (options: ResolveHomeOptions = {}): string {
  const env = options.env ?? process.env
  const homedir = options.homedir ?? osHomedir()

  if (options.home !== undefined) {
    if (options.home.trim() === '') {
      throw new TypeError('--home must not be empty')
    }

    return absolute(options.home, homedir)
  }

  const fromEnv = env[HYPHA_HOME_ENV]

  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return absolute(fromEnv, homedir)
  }

  return resolve(homedir, DEFAULT_HOME_DIRNAME)
}

function absolute (path: string, homedir: string): string {
  if (path === '~') {
    return resolve(homedir)
  }

  if (path.startsWith('~/')) {
    return resolve(homedir, path.slice(2))
  }

  return isAbsolute(path) ? resolve(path) : resolve(join(process.cwd(), path))
}
