// Test helper: a fetch stand-in answering by "METHOD /path" (query ignored), recording each call.
import { vi } from 'vitest'

/**
 * @param {Record<string, unknown | ((call: {url: URL, init: RequestInit, body: unknown}) => unknown)>} routes
 *   "GET /api/users/me": a JSON body (200), a Response, or a function returning either.
 * @returns the vi.fn installed as global fetch; `.calls(key)` lists the calls to one route.
 */
export function fakeApi(routes) {
  const fetchMock = vi.fn(async (input, init = {}) => {
    const url = new URL(String(input), 'http://localhost')
    const key = `${init.method ?? 'GET'} ${url.pathname}`
    if (!(key in routes)) return Response.json({ detail: `no fake for ${key}` }, { status: 599 })
    let body = init.body
    if (typeof body === 'string') body = JSON.parse(body)
    const route = routes[key]
    const answer = typeof route === 'function' ? await route({ url, init, body }) : route
    return answer instanceof Response ? answer : Response.json(answer)
  })
  fetchMock.calls = (key) =>
    fetchMock.mock.calls.filter(([input, init = {}]) => {
      const url = new URL(String(input), 'http://localhost')
      return `${init.method ?? 'GET'} ${url.pathname}` === key
    })
  vi.stubGlobal('fetch', fetchMock)
  return fetchMock
}

/** A JSON error answer in the API's shape. */
export function apiError(status, detail, extra = {}) {
  return Response.json({ detail, ...extra }, { status })
}
