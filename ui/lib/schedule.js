/** A report's schedule in words: "Mondays at 09:00, Europe/Berlin". */

function partsIn(startUs, tz) {
  const d = new Date(startUs / 1000)
  const fmt = (opts) => {
    try {
      return new Intl.DateTimeFormat('en-GB', { timeZone: tz || 'UTC', ...opts }).format(d)
    } catch {
      return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', ...opts }).format(d)
    }
  }
  return {
    time: fmt({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    weekday: fmt({ weekday: 'long' }),
    day: fmt({ day: 'numeric' }),
    date: fmt({ dateStyle: 'medium' }),
  }
}

/**
 * @param {{type: string, interval: number, cron?: string}} frequency
 * @param {number} startUs  the report's start, microseconds
 * @param {string} timezone
 */
export function scheduleInWords(frequency, startUs, timezone) {
  const tz = timezone || 'UTC'
  const f = frequency ?? { type: 'weeks', interval: 1 }
  const n = f.interval || 1
  const p = partsIn(startUs || Date.now() * 1000, tz)
  let words
  switch (f.type) {
    case 'once':
      words = `Once, ${p.date} at ${p.time}`
      break
    case 'hours':
      words = n === 1 ? 'Every hour' : `Every ${n} hours`
      break
    case 'days':
      words = n === 1 ? `Daily at ${p.time}` : `Every ${n} days at ${p.time}`
      break
    case 'weeks':
      words =
        n === 1 ? `${p.weekday}s at ${p.time}` : `Every ${n} weeks on ${p.weekday} at ${p.time}`
      break
    case 'months':
      words =
        n === 1
          ? `Monthly on day ${p.day} at ${p.time}`
          : `Every ${n} months on day ${p.day} at ${p.time}`
      break
    case 'cron':
      words = `Cron ${f.cron || '(none)'}`
      break
    default:
      words = f.type
  }
  return `${words}, ${tz}`
}
