/**
 * QR codes as SVG path data (uqr encodes; the path is drawn by lit, so no
 * SVG markup is ever parsed from a string).
 */

import { encode } from 'uqr'

/** Longest text put in a QR code (an invite link, a safety-number payload) */
export const MAX_QR_TEXT_LENGTH = 1024

export interface QrPath {
  /** Modules per side, the quiet zone included */
  size: number
  /** One `h1v1h-1z` square per dark module */
  path: string
}

/**
 * The path of the dark modules of `text`'s QR code, with a quiet zone of
 * `border` modules.
 *
 * @throws {RangeError} for text longer than MAX_QR_TEXT_LENGTH
 */
export function qrPath (text: string, border = 2): QrPath {
  if (text.length > MAX_QR_TEXT_LENGTH) {
    throw new RangeError(`QR text must be at most ${MAX_QR_TEXT_LENGTH} characters, got ${text.length}`)
  }
  const { data, size } = encode(text, { ecc: 'M', border })
  let path = ''
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (data[y][x]) { path += `M${x} ${y}h1v1h-1z` }
    }
  }
  return { size, path }
}
