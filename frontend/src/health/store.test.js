// Tests for the health store against a stubbed fetch.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useHealthStore } from './store.js'

describe('health store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
  })

  it('is up when /healthz answers {"status":"ok"}', async () => {
    const fetchMock = vi.fn(async () => Response.json({ status: 'ok' }))
    vi.stubGlobal('fetch', fetchMock)
    const health = useHealthStore()
    expect(health.status).toBe('unknown')
    const pending = health.check()
    expect(health.status).toBe('checking')
    await pending
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(fetchMock.mock.calls[0][0]).toBe('/healthz')
    expect(health.status).toBe('up')
    expect(health.error).toBeNull()
    expect(health.checkedAt).toBeInstanceOf(Date)
  })

  it('is down with the detail when the API answers an error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Response.json({ detail: 'database down' }, { status: 503 })))
    const health = useHealthStore()
    await health.check()
    expect(health.status).toBe('down')
    expect(health.error).toBe('database down')
  })

  it('is down when the API cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    const health = useHealthStore()
    await health.check()
    expect(health.status).toBe('down')
    expect(health.error).toBe('Failed to fetch')
  })

  it('is down when the answer is not status ok', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Response.json({ status: 'starting' })))
    const health = useHealthStore()
    await health.check()
    expect(health.status).toBe('down')
    expect(health.error).toContain('starting')
  })
})
