// What a failed studio request means to the user: no model configured (503), not enough credits
// (402), the model failed with nothing charged (502/504), the conversation is finished (409).
import { errorMessage } from '../api/errors.js'

/**
 * @param {any} err usually an HttpError
 * @returns {{kind: 'no-llm' | 'credits' | 'model' | 'finished' | 'other', detail: string,
 *   timeout?: boolean, required?: number, balance?: number, shortfall?: number}}
 */
export function describeStudioError(err) {
  const detail = errorMessage(err)
  switch (err?.status) {
    case 503:
      return { kind: 'no-llm', detail }
    case 402: {
      const body = err.body ?? {}
      const shortfall = body.shortfall ?? Math.max(0, (body.required ?? 0) - (body.balance ?? 0))
      return { kind: 'credits', detail, required: body.required, balance: body.balance, shortfall }
    }
    case 502:
    case 504:
      return { kind: 'model', detail, timeout: err.status === 504 }
    case 409:
      return { kind: 'finished', detail }
    default:
      return { kind: 'other', detail }
  }
}

const QUALITY_PREFIX = /^[^:]*quality check:\s*/i
const FORCE_HINT = /\s*\([^()]*force[^()]*\)\s*$/i

/**
 * A finalize refused with 422 ("the draft fails the quality check: a; b (finalize with force to
 * keep it anyway)"): the reasons, and whether forcing may help. The failing checks of the latest
 * report are the reasons when there is one (check messages may hold "; " themselves, so the
 * detail cannot be split reliably); else the detail without its wrapping.
 * @param {any} err @param {null | {ok: boolean, checks: {ok: boolean, message: string}[]}} [quality]
 * @returns {{reasons: string[], canForce: boolean, detail: string}}
 */
export function describeFinalizeRefusal(err, quality = null) {
  const detail = errorMessage(err)
  const canForce = typeof err?.detail === 'string' && /force/i.test(err.detail)
  if (!canForce) return { reasons: [detail], canForce, detail }
  const failing = (quality?.checks ?? []).filter((check) => !check.ok).map((check) => check.message)
  if (failing.length) return { reasons: failing, canForce, detail }
  const listed = detail.replace(FORCE_HINT, '').replace(QUALITY_PREFIX, '').trim()
  return { reasons: [listed || detail], canForce, detail }
}
