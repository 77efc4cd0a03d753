// Display formatting shared by the views: durations, dates, sizes.

/** 75.4 -> "1:15", 3725 -> "1:02:05"; null for a missing value. */
export function formatDuration(seconds) {
  if (seconds == null || Number.isNaN(Number(seconds))) return null
  const total = Math.round(Number(seconds))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** An ISO time in the interface language's local format. */
export function formatDateTime(iso, lang) {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return String(iso)
  return date.toLocaleString(lang === 'zh-cn' ? 'zh-CN' : 'en', {
    dateStyle: 'medium',
    timeStyle: 'short',
  })
}

/** 1536 -> "1.5 KB". */
export function formatBytes(bytes) {
  if (bytes == null) return ''
  const units = ['B', 'KB', 'MB', 'GB']
  let value = Number(bytes)
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${unit ? value.toFixed(1) : value} ${units[unit]}`
}

/** 5 -> "+5", -3 -> "-3", 0 -> "0". */
export function formatSigned(n) {
  return n > 0 ? `+${n}` : String(n)
}
