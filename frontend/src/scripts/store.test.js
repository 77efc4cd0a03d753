// Tests for the scripts list store: paging and uploads.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { apiError, fakeApi } from '../testing/fakeApi.js'
import { PAGE_SIZE, useScriptsStore } from './store.js'

describe('scripts store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('asks for the page it shows', async () => {
    const fetchMock = fakeApi({ 'GET /api/scripts': { items: [{ id: 'a' }], total: 41 } })
    const scripts = useScriptsStore()
    await scripts.load(3)
    const url = new URL(fetchMock.mock.calls[0][0], 'http://x')
    expect(url.searchParams.get('limit')).toBe(String(PAGE_SIZE))
    expect(url.searchParams.get('offset')).toBe(String(2 * PAGE_SIZE))
    expect(scripts.total).toBe(41)
    expect(scripts.page).toBe(3)
  })

  it('uploads the file as multipart and lists the new script first', async () => {
    const fetchMock = fakeApi({ 'POST /api/scripts/upload': { id: 'new', title: 'Ep 1' } })
    const scripts = useScriptsStore()
    scripts.items = [{ id: 'old' }]
    const file = new File(['【大牛】你好'], 'ep1.md', { type: 'text/markdown' })
    await scripts.upload(file)
    const sent = fetchMock.mock.calls[0][1].body
    expect(sent).toBeInstanceOf(FormData)
    expect(sent.get('file').name).toBe('ep1.md')
    expect(scripts.items.map((s) => s.id)).toEqual(['new', 'old'])
  })

  it('passes on the API refusal of an upload', async () => {
    fakeApi({ 'POST /api/scripts/upload': apiError(422, 'line 3: speaker tag without a name') })
    const scripts = useScriptsStore()
    const err = await scripts.upload(new File(['x'], 'a.md')).catch((e) => e)
    expect(err.detail).toBe('line 3: speaker tag without a name')
  })
})
