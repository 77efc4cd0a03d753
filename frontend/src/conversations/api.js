// API calls for AI script writing: conversations, rounds (plain or streamed), finalize, resume.
import { HttpError, http, request } from '../api/http.js'
import { readEventStream } from './sse.js'

const base = (id) => `/api/conversations/${encodeURIComponent(id)}`

/** @param {{topic: string, style: string, target_duration: number, speakers: string[], language?: string, title?: string}} body */
export function createConversation(body) {
  return http.post('/api/conversations/create', body)
}

export function listConversations({ limit = 20, offset = 0 } = {}) {
  return http.get(`/api/conversations?${new URLSearchParams({ limit, offset })}`)
}

/** @param {string} id @returns conversation with its `messages` */
export function getConversation(id) {
  return http.get(base(id))
}

/** One round, answered whole: {message, script_preview, quality, credits_charged}. */
export function sendMessage(id, content, options) {
  return http.post(`${base(id)}/messages`, { content }, options)
}

/** @param {string} id @param {{title?: string, force?: boolean}} [body] @returns the new script */
export function finalizeConversation(id, body = {}) {
  return http.post(`${base(id)}/finalize`, body)
}

export function resumeConversation(id) {
  return http.put(`${base(id)}/resume`)
}

/**
 * The stream could not deliver a round (no stream, a cut connection, no `done` event).
 * `started`: some events had arrived, so the server may have recorded the round anyway.
 */
export class StreamFailure extends Error {
  constructor(message, { started = false, cause } = {}) {
    super(message)
    this.name = 'StreamFailure'
    this.started = started
    this.cause = cause
  }
}

/**
 * One round over Server-Sent Events on a POST: `delta` pieces go to onDelta, `done` carries the
 * same object as sendMessage. An answer refused before streaming (402, 409, 503...) and an
 * `error` event (the model failed; nothing charged) throw an HttpError; anything else that stops
 * the round throws a StreamFailure, which a caller may answer by asking without streaming.
 * @param {string} id @param {string} content
 * @param {{onDelta?: (text: string) => void, signal?: AbortSignal}} [options]
 */
export async function streamMessage(id, content, { onDelta, signal } = {}) {
  let res
  try {
    res = await request(`${base(id)}/messages?stream=true`, {
      method: 'POST',
      body: { content },
      headers: { Accept: 'text/event-stream' },
      signal,
      as: 'response',
    })
  } catch (err) {
    if (err instanceof HttpError && err.status === 0) {
      throw new StreamFailure(err.message, { cause: err })
    }
    throw err
  }

  const type = res.headers.get('Content-Type') ?? ''
  // A server or proxy that ignored ?stream=true answered the round whole.
  if (type.includes('application/json')) return res.json()
  if (!type.includes('text/event-stream') || !res.body) {
    throw new StreamFailure(`not an event stream (${type || 'no content type'})`)
  }

  let done = null
  let started = false
  try {
    await readEventStream(res.body, ({ event, data }) => {
      started = true
      const payload = JSON.parse(data)
      if (event === 'delta') onDelta?.(payload.text ?? '')
      else if (event === 'done') done = payload
      else if (event === 'error') throw new HttpError(payload.status || 502, payload.detail, payload)
    })
  } catch (err) {
    if (err instanceof HttpError || err?.name === 'AbortError') throw err
    throw new StreamFailure(err?.message || 'the stream broke', { started, cause: err })
  }
  if (!done) throw new StreamFailure('the stream ended before the answer was complete', { started })
  return done
}
