// Tests for the studio store: listing conversations, starting one, and a server without a model.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { TOKEN_KEY } from '../api/http.js'
import { apiError, fakeApi } from '../testing/fakeApi.js'
import { PAGE_SIZE, useStudioStore } from './studioStore.js'

const BODY = { topic: 'Tea', style: 'casual', target_duration: 300, speakers: ['Alice', 'Bob'] }

describe('studio store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    localStorage.setItem(TOKEN_KEY, 'jwt')
  })

  it('loads the page of conversations it shows', async () => {
    const fetchMock = fakeApi({ 'GET /api/conversations': { items: [{ id: 'c1' }], total: 41 } })
    const studio = useStudioStore()
    await studio.load(3)
    const url = new URL(fetchMock.mock.calls[0][0], 'http://x')
    expect(url.searchParams.get('limit')).toBe(String(PAGE_SIZE))
    expect(url.searchParams.get('offset')).toBe(String(2 * PAGE_SIZE))
    expect(studio.items).toEqual([{ id: 'c1' }])
    expect(studio.total).toBe(41)
    expect(studio.page).toBe(3)
  })

  it('creates a conversation and puts it first', async () => {
    const fetchMock = fakeApi({
      'POST /api/conversations/create': ({ body }) => Response.json({ id: 'c2', ...body, status: 'active' }, { status: 201 }),
    })
    const studio = useStudioStore()
    studio.items = [{ id: 'c1' }]
    const made = await studio.create(BODY)
    expect(made).toMatchObject({ id: 'c2', status: 'active' })
    expect(JSON.parse(fetchMock.calls('POST /api/conversations/create')[0][1].body)).toEqual(BODY)
    expect(studio.items.map((c) => c.id)).toEqual(['c2', 'c1'])
    expect(studio.createNotice).toBeNull()
  })

  it('says the server has no model when create answers 503, until a create works', async () => {
    let configured = false
    fakeApi({
      'POST /api/conversations/create': () =>
        configured
          ? Response.json({ id: 'c3' }, { status: 201 })
          : apiError(503, 'No LLM is configured: set [llm] model (and api_key or api_base)'),
    })
    const studio = useStudioStore()
    expect(await studio.create(BODY)).toBeNull()
    expect(studio.createNotice).toEqual({
      kind: 'no-llm',
      detail: 'No LLM is configured: set [llm] model (and api_key or api_base)',
    })
    expect(studio.noModel.kind).toBe('no-llm')

    configured = true
    await studio.create(BODY)
    expect(studio.noModel).toBeNull()
  })

  it('keeps other create failures out of the model notice', async () => {
    fakeApi({ 'POST /api/conversations/create': () => apiError(422, 'style must be one of educational, casual, interview') })
    const studio = useStudioStore()
    await studio.create(BODY)
    expect(studio.createNotice).toEqual({ kind: 'other', detail: 'style must be one of educational, casual, interview' })
    expect(studio.noModel).toBeNull()
  })
})
