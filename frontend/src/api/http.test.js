// Tests for the shared fetch wrapper: bearer token, JSON body, error status and detail.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HttpError, TOKEN_KEY, http, request, setUnauthorizedHandler } from './http.js'

function jsonResponse(body, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

describe('http wrapper', () => {
  let fetchMock

  beforeEach(() => {
    localStorage.clear()
    fetchMock = vi.fn(async () => jsonResponse({ ok: true }))
    vi.stubGlobal('fetch', fetchMock)
  })

  afterEach(() => localStorage.clear())

  it('attaches the bearer token when one is stored', async () => {
    localStorage.setItem(TOKEN_KEY, 'secret-token')
    await http.get('/api/v1/episodes')
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/v1/episodes')
    expect(init.headers.Authorization).toBe('Bearer secret-token')
  })

  it('sends no Authorization header without a token', async () => {
    await http.get('/healthz')
    expect(fetchMock.mock.calls[0][1].headers).not.toHaveProperty('Authorization')
  })

  it('sends JSON bodies and returns the decoded answer', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse({ id: 7 }, 201))
    const answer = await http.post('/api/v1/shows', { title: 'Tea talk' })
    const init = fetchMock.mock.calls[0][1]
    expect(init.method).toBe('POST')
    expect(init.headers['Content-Type']).toBe('application/json')
    expect(JSON.parse(init.body)).toEqual({ title: 'Tea talk' })
    expect(answer).toEqual({ id: 7 })
  })

  it('returns null for an empty answer', async () => {
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }))
    await expect(http.delete('/api/v1/shows/1')).resolves.toBeNull()
  })

  it('throws an HttpError carrying status and detail', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse({ detail: 'Episode not found' }, 404))
    const err = await request('/api/v1/episodes/9').catch((e) => e)
    expect(err).toBeInstanceOf(HttpError)
    expect(err.status).toBe(404)
    expect(err.detail).toBe('Episode not found')
    expect(err.message).toBe('Episode not found')
  })

  it('keeps structured validation details', async () => {
    const detail = [{ loc: ['body', 'title'], msg: 'Field required', type: 'missing' }]
    fetchMock.mockResolvedValueOnce(jsonResponse({ detail }, 422))
    const err = await http.post('/api/v1/shows', {}).catch((e) => e)
    expect(err.status).toBe(422)
    expect(err.detail).toEqual(detail)
  })

  it('falls back to the plain-text body when there is no JSON detail', async () => {
    fetchMock.mockResolvedValueOnce(new Response('Bad Gateway', { status: 502 }))
    const err = await http.get('/healthz').catch((e) => e)
    expect(err.status).toBe(502)
    expect(err.detail).toBe('Bad Gateway')
  })

  it('returns a text body as it came, with the bearer token', async () => {
    localStorage.setItem(TOKEN_KEY, 'secret-token')
    // JSON-looking text stays a string: the caller asked for text.
    const body = 'WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n<v Alice>[1, 2]\n\n'
    fetchMock.mockResolvedValueOnce(new Response(body, { headers: { 'Content-Type': 'text/vtt' } }))
    const answer = await http.getText('/api/tasks/t1/transcript.vtt')
    expect(answer).toBe(body)
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/tasks/t1/transcript.vtt')
    expect(init.method).toBe('GET')
    expect(init.headers.Authorization).toBe('Bearer secret-token')
    expect(init.headers.Accept).toMatch(/^text\//)
  })

  it('returns text that parses as JSON untouched', async () => {
    fetchMock.mockResolvedValueOnce(new Response('{"a": 1}'))
    await expect(http.getText('/x.json')).resolves.toBe('{"a": 1}')
  })

  it('decodes the JSON detail of a failed text request', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse({ detail: 'the task has not completed' }, 404))
    const err = await http.getText('/api/tasks/t1/transcript.srt').catch((e) => e)
    expect(err).toBeInstanceOf(HttpError)
    expect(err.status).toBe(404)
    expect(err.detail).toBe('the task has not completed')
  })

  it('hands back the unread response when asked, and still decodes errors', async () => {
    localStorage.setItem(TOKEN_KEY, 'secret-token')
    fetchMock.mockResolvedValueOnce(new Response('event: delta\n\n', { headers: { 'Content-Type': 'text/event-stream' } }))
    const res = await request('/api/stream', { method: 'POST', body: {}, as: 'response', headers: { Accept: 'text/event-stream' } })
    expect(res).toBeInstanceOf(Response)
    expect(res.bodyUsed).toBe(false)
    expect(await res.text()).toBe('event: delta\n\n')
    const init = fetchMock.mock.calls[0][1]
    expect(init.headers.Accept).toBe('text/event-stream')
    expect(init.headers.Authorization).toBe('Bearer secret-token')

    fetchMock.mockResolvedValueOnce(jsonResponse({ detail: 'not enough credits', shortfall: 3 }, 402))
    const err = await request('/api/stream', { method: 'POST', as: 'response' }).catch((e) => e)
    expect(err).toBeInstanceOf(HttpError)
    expect(err.status).toBe(402)
    expect(err.body.shortfall).toBe(3)
  })

  it('reports a network failure as status 0', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    const err = await http.get('/healthz').catch((e) => e)
    expect(err).toBeInstanceOf(HttpError)
    expect(err.status).toBe(0)
    expect(err.detail).toBe('Failed to fetch')
  })
})

describe('http wrapper: multipart and 401', () => {
  beforeEach(() => localStorage.clear())
  afterEach(() => setUnauthorizedHandler(null))

  it('sends FormData as it is, without a JSON content type', async () => {
    const fetchMock = vi.fn(async () => Response.json({ id: 'a' }, { status: 201 }))
    vi.stubGlobal('fetch', fetchMock)
    const form = new FormData()
    form.append('title', 'Tea')
    await http.post('/api/scripts/upload', form)
    const init = fetchMock.mock.calls[0][1]
    expect(init.body).toBe(form)
    expect(init.headers).not.toHaveProperty('Content-Type')
  })

  it('clears the token and calls the handler on a 401', async () => {
    localStorage.setItem(TOKEN_KEY, 'expired')
    vi.stubGlobal('fetch', vi.fn(async () => Response.json({ detail: 'token expired' }, { status: 401 })))
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    const err = await http.get('/api/users/me').catch((e) => e)
    expect(err.status).toBe(401)
    expect(localStorage.getItem(TOKEN_KEY)).toBeNull()
    expect(handler).toHaveBeenCalledWith(err)
  })

  it('keeps the token on other errors', async () => {
    localStorage.setItem(TOKEN_KEY, 'good')
    vi.stubGlobal('fetch', vi.fn(async () => Response.json({ detail: 'nope' }, { status: 403 })))
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    await http.get('/api/users/me').catch(() => {})
    expect(localStorage.getItem(TOKEN_KEY)).toBe('good')
    expect(handler).not.toHaveBeenCalled()
  })
})
