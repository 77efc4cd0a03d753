// Turns API errors (a detail string or FastAPI's 422 list form) into one line a person can read.
import { useLangStore } from '../i18n/store.js'

/**
 * @param {unknown} err usually an HttpError
 * @param {string} [fallback] shown when the error carries nothing readable
 */
export function errorMessage(err, fallback = 'Something went wrong') {
  if (err?.status === 429) return tooManyRequests(err.retryAfter)
  const detail = err?.detail ?? err?.message
  if (Array.isArray(detail)) {
    return detail.map(formatValidationItem).filter(Boolean).join('; ') || fallback
  }
  if (typeof detail === 'string' && detail) return detail
  if (detail && typeof detail === 'object') return JSON.stringify(detail)
  return fallback
}

/** `{loc: ["body", "email"], msg: "..."}` -> "email: ..." */
function formatValidationItem(item) {
  if (!item || typeof item !== 'object') return String(item ?? '')
  const where = Array.isArray(item.loc) ? item.loc.filter((part) => part !== 'body').join('.') : ''
  return where ? `${where}: ${item.msg}` : item.msg
}

/**
 * A 429 in the interface language, with the wait the server asked for.
 * @param {number | null | undefined} seconds
 */
function tooManyRequests(seconds) {
  const i18n = useLangStore()
  if (seconds == null) return i18n.t('errors.tooManyLater')
  if (seconds < 120) return i18n.t('errors.tooManySeconds', { n: seconds })
  return i18n.t('errors.tooManyMinutes', { n: Math.ceil(seconds / 60) })
}
