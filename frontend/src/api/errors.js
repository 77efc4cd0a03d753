// Turns API errors (a detail string or FastAPI's 422 list form) into one line a person can read.

/**
 * @param {unknown} err usually an HttpError
 * @param {string} [fallback] shown when the error carries nothing readable
 */
export function errorMessage(err, fallback = 'Something went wrong') {
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
