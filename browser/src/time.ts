/** A message's time as the lists show it: the time of day today, else date and time (the browser's locale) */
export function formatTime (ms: number): string {
  const date = new Date(ms)
  const today = new Date().toDateString() === date.toDateString()
  return today
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })
}
