// Tests for the template gallery store: grouping and filtering by language, using a template.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { TOKEN_KEY } from '../api/http.js'
import { apiError, fakeApi } from '../testing/fakeApi.js'
import { useTemplatesStore } from './store.js'

const TEMPLATES = [
  { id: 't1', title: 'Tea talk', topic: 'Tea', style: 'casual', language: 'en', speakers: ['Alice', 'Bob'], description: 'A chat about tea.' },
  { id: 't2', title: '茶的故事', topic: '茶', style: 'educational', language: 'zh', speakers: ['大牛', '一帆'], description: '聊聊茶。' },
  { id: 't3', title: 'Job interview', topic: 'Jobs', style: 'interview', language: 'en', speakers: ['Host', 'Guest'], description: 'Hiring.' },
]

describe('templates store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    localStorage.clear()
  })

  it('groups the library by language, the interface language first, and filters it', async () => {
    const fetchMock = fakeApi({ 'GET /api/templates': TEMPLATES })
    const store = useTemplatesStore()
    await store.load()
    expect(fetchMock.mock.calls[0][1].headers).not.toHaveProperty('Authorization')
    const ids = (groups) => groups.map((g) => [g.language, g.items.map((t) => t.id)])
    expect(ids(store.groups('zh'))).toEqual([['zh', ['t2']], ['en', ['t1', 't3']]])
    expect(ids(store.groups('en'))).toEqual([['en', ['t1', 't3']], ['zh', ['t2']]])

    store.setFilter('en')
    expect(ids(store.groups('zh'))).toEqual([['en', ['t1', 't3']]])
    store.setFilter('fr')
    expect(store.filter).toBe('en')
    store.setFilter('all')
    expect(store.shown).toHaveLength(3)
  })

  it('makes a script from a template', async () => {
    localStorage.setItem(TOKEN_KEY, 'jwt')
    const fetchMock = fakeApi({ 'POST /api/templates/t2/scripts': () => Response.json({ id: 's5', source: 'template' }, { status: 201 }) })
    const store = useTemplatesStore()
    expect(await store.use('t2')).toEqual({ id: 's5', source: 'template' })
    expect(fetchMock.calls('POST /api/templates/t2/scripts')[0][1].headers.Authorization).toBe('Bearer jwt')
    expect(store.using).toBeNull()
  })

  it('says why a template could not be used', async () => {
    fakeApi({ 'POST /api/templates/gone/scripts': () => apiError(404, 'no such template') })
    const store = useTemplatesStore()
    expect(await store.use('gone')).toBeNull()
    expect(store.useError).toBe('no such template')
  })
})
