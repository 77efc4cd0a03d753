// Shared fetch wrapper for domain api modules: JSON (or plain text) in/out, bearer token, errors with status and detail.

export const TOKEN_KEY = 'podforge.token'

/** @type {((error: HttpError) => void) | null} */
let unauthorizedHandler = null

/**
 * Set the one function called after any 401 answer (the token is already cleared by then).
 * @param {((error: HttpError) => void) | null} handler
 */
export function setUnauthorizedHandler(handler) {
  unauthorizedHandler = handler
}

/** Error thrown for any non-2xx answer (status 0 when the request never got an answer). */
export class HttpError extends Error {
  /**
   * @param {number} status HTTP status, or 0 for a network failure
   * @param {unknown} detail the `detail` of a `{"detail": ...}` body, else the body or status text
   * @param {unknown} [body] the whole decoded body (a 402 adds required, balance, shortfall)
   * @param {number | null} [retryAfter] seconds from a 429's Retry-After header
   */
  constructor(status, detail, body = null, retryAfter = null) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail))
    this.name = 'HttpError'
    this.status = status
    this.detail = detail
    this.body = body
    this.retryAfter = retryAfter
  }
}

/** @param {Response} res */
async function readBody(res) {
  const text = await res.text()
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** @param {Response} res @returns {number | null} whole seconds, when the answer says */
function retryAfterSeconds(res) {
  const seconds = Number.parseInt(res.headers.get('Retry-After') ?? '', 10)
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null
}

/** FormData goes as multipart (the browser sets the boundary); anything else as JSON. */
function encodeBody(body, headers) {
  if (body === undefined) return undefined
  if (typeof FormData !== 'undefined' && body instanceof FormData) return body
  headers['Content-Type'] = 'application/json'
  return JSON.stringify(body)
}

/**
 * Send a request and return the decoded JSON body (null when empty), or with `as: 'text'` the
 * body as it came ('' when empty), for files such as transcripts that need the bearer token, or
 * with `as: 'response'` the unread Response (a stream to read as it arrives).
 * Errors are decoded the same way in every case.
 * A 401 clears the stored token and calls the handler set with setUnauthorizedHandler.
 * @param {string} path
 * @param {{method?: string, body?: unknown, headers?: Record<string, string>, signal?: AbortSignal, as?: 'json' | 'text' | 'response'}} [options]
 */
export async function request(path, { method = 'GET', body, headers = {}, signal, as = 'json' } = {}) {
  const sent = { Accept: as === 'text' ? 'text/*, application/json;q=0.5' : 'application/json', ...headers }
  const encoded = encodeBody(body, sent)
  const token = localStorage.getItem(TOKEN_KEY)
  if (token) sent.Authorization = `Bearer ${token}`

  let res
  try {
    res = await fetch(path, { method, headers: sent, body: encoded, signal })
  } catch (err) {
    if (err?.name === 'AbortError') throw err
    throw new HttpError(0, err?.message || 'Network error')
  }

  if (res.ok && as === 'response') return res
  if (res.ok && as === 'text') return res.text()
  const data = await readBody(res)
  if (!res.ok) {
    const detail =
      data && typeof data === 'object' && 'detail' in data ? data.detail : data || res.statusText
    const error = new HttpError(res.status, detail, data, retryAfterSeconds(res))
    if (res.status === 401) {
      localStorage.removeItem(TOKEN_KEY)
      unauthorizedHandler?.(error)
    }
    throw error
  }
  return data
}

export const http = {
  get: (path, options) => request(path, { ...options, method: 'GET' }),
  /** GET a text body (WebVTT, SRT...) as a string, never parsed. */
  getText: (path, options) => request(path, { ...options, method: 'GET', as: 'text' }),
  post: (path, body, options) => request(path, { ...options, method: 'POST', body }),
  put: (path, body, options) => request(path, { ...options, method: 'PUT', body }),
  patch: (path, body, options) => request(path, { ...options, method: 'PATCH', body }),
  delete: (path, options) => request(path, { ...options, method: 'DELETE' }),
}
