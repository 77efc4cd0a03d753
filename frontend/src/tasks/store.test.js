// Tests for the task list store: status filter and script titles.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { fakeApi } from '../testing/fakeApi.js'
import { useTasksStore } from './store.js'

describe('tasks store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('filters by status only when one is chosen, and names each task’s script', async () => {
    const fetchMock = fakeApi({
      'GET /api/tasks': { items: [{ id: 't1', script_id: 's1', status: 'failed' }], total: 1 },
      'GET /api/scripts': { items: [{ id: 's1', title: 'Tea talk' }], total: 1 },
    })
    const tasks = useTasksStore()
    await tasks.load(1)
    const query = (n) => new URL(fetchMock.calls('GET /api/tasks')[n][0], 'http://x').searchParams
    expect(query(0).has('status')).toBe(false)
    expect(tasks.scriptTitles).toEqual({ s1: 'Tea talk' })

    await tasks.filterBy('failed')
    expect(query(1).get('status')).toBe('failed')
    expect(tasks.page).toBe(1)
    expect(fetchMock.calls('GET /api/scripts')).toHaveLength(1)
  })
})
