// Tests for following a task: progress from the event stream, polling when the stream fails, cancel.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { TOKEN_KEY } from '../api/http.js'
import { fakeApi } from '../testing/fakeApi.js'
import { POLL_INTERVAL_MS, useTaskStore } from './taskStore.js'

/** EventSource stand-in: tests push events with emit(). */
class FakeEventSource {
  static instances = []
  constructor(url) {
    this.url = url
    this.listeners = {}
    this.closed = false
    FakeEventSource.instances.push(this)
  }
  addEventListener(type, listener) {
    ;(this.listeners[type] ??= []).push(listener)
  }
  emit(type, data) {
    const event = data === undefined ? { type } : { type, data: JSON.stringify(data) }
    for (const listener of this.listeners[type] ?? []) listener(event)
  }
  close() {
    this.closed = true
  }
}

const AUDIO = [
  { id: 'a1', format: 'wav', url: '/api/audio/a1/download?token=x', duration: 4, file_size: 1000, sample_rate: 22050 },
  { id: 'a2', format: 'mp3', url: '/api/audio/a2/download?token=y', duration: 4, file_size: 100, sample_rate: 22050 },
]

function task(overrides = {}) {
  return {
    id: 't1',
    script_id: 's1',
    status: 'pending',
    progress: 0,
    voice_config: {},
    credit_cost: 1,
    error_message: null,
    script_changed: false,
    audio: [],
    ...overrides,
  }
}

describe('task store', () => {
  let latest

  beforeEach(() => {
    setActivePinia(createPinia())
    localStorage.clear()
    localStorage.setItem(TOKEN_KEY, 'jwt')
    FakeEventSource.instances = []
    vi.stubGlobal('EventSource', FakeEventSource)
    latest = task()
  })
  afterEach(() => vi.useRealTimers())

  function api(extra = {}) {
    return fakeApi({
      'GET /api/tasks/t1': () => latest,
      'GET /api/tasks': { items: [latest], total: 1 },
      'GET /api/users/me': { id: 'u', username: 'ada', credit_balance: 99 },
      ...extra,
    })
  }

  it('follows progress from the event stream, with the token in the URL', async () => {
    api()
    const store = useTaskStore()
    await store.open('t1')
    const [source] = FakeEventSource.instances
    expect(source.url).toBe('/api/tasks/t1/events?access_token=jwt')
    expect(store.channel).toBe('events')

    source.emit('progress', { status: 'processing', progress: 40 })
    expect(store.task.status).toBe('processing')
    expect(store.task.progress).toBe(40)

    source.emit('progress', { status: 'processing', progress: 30 })
    expect(store.task.progress).toBe(40)
  })

  it('closes the stream at the end and reloads the task with its audio', async () => {
    const fetchMock = api()
    const store = useTaskStore()
    await store.open('t1')
    const [source] = FakeEventSource.instances
    latest = task({ status: 'completed', progress: 100, audio: AUDIO })
    source.emit('end', { task_id: 't1', status: 'completed', progress: 100, error_message: null, audio: AUDIO })
    await vi.waitFor(() => expect(fetchMock.calls('GET /api/users/me')).toHaveLength(1))

    expect(source.closed).toBe(true)
    expect(store.channel).toBeNull()
    expect(store.task.status).toBe('completed')
    expect(store.task.audio.map((a) => a.format)).toEqual(['wav', 'mp3'])
    expect(fetchMock.calls('GET /api/tasks/t1')).toHaveLength(2)
  })

  it('falls back to polling the status every 3 seconds when the stream errors', async () => {
    vi.useFakeTimers()
    const answers = [
      { task_id: 't1', status: 'processing', progress: 20, error_message: null, audio: [] },
      { task_id: 't1', status: 'processing', progress: 70, error_message: null, audio: [] },
      { task_id: 't1', status: 'failed', progress: 70, error_message: 'voice engine crashed', audio: [] },
    ]
    const fetchMock = api({ 'GET /api/tasks/t1/status': () => answers.shift() })
    const statusCalls = () => fetchMock.calls('GET /api/tasks/t1/status').length
    const store = useTaskStore()
    await store.open('t1')
    const [source] = FakeEventSource.instances

    source.emit('error')
    expect(source.closed).toBe(true)
    expect(store.channel).toBe('polling')
    await vi.advanceTimersByTimeAsync(0)
    expect(statusCalls()).toBe(1)
    expect(store.task.progress).toBe(20)

    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS - 1)
    expect(statusCalls()).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(statusCalls()).toBe(2)
    expect(store.task.progress).toBe(70)

    latest = task({ status: 'failed', progress: 70, error_message: 'voice engine crashed' })
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS)
    expect(statusCalls()).toBe(3)
    expect(store.task.status).toBe('failed')
    expect(store.task.error_message).toBe('voice engine crashed')
    expect(store.channel).toBeNull()

    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 5)
    expect(statusCalls()).toBe(3)
  })

  it('polls when the browser has no EventSource', async () => {
    vi.stubGlobal('EventSource', undefined)
    const fetchMock = api({
      'GET /api/tasks/t1/status': { task_id: 't1', status: 'processing', progress: 5, error_message: null, audio: [] },
    })
    const store = useTaskStore()
    await store.open('t1')
    expect(store.channel).toBe('polling')
    await vi.waitFor(() => expect(fetchMock.calls('GET /api/tasks/t1/status')).toHaveLength(1))
    store.stop()
  })

  it('does not follow a task that has already ended', async () => {
    latest = task({ status: 'completed', progress: 100, audio: AUDIO })
    api()
    const store = useTaskStore()
    await store.open('t1')
    expect(FakeEventSource.instances).toHaveLength(0)
    expect(store.channel).toBeNull()
  })

  it('cancels: stops following and shows the refunded task', async () => {
    const fetchMock = api({
      'POST /api/tasks/t1/cancel': () => task({ status: 'failed', error_message: 'cancelled by the user' }),
    })
    const store = useTaskStore()
    await store.open('t1')
    const [source] = FakeEventSource.instances
    await store.cancel()
    expect(fetchMock.calls('POST /api/tasks/t1/cancel')).toHaveLength(1)
    expect(source.closed).toBe(true)
    expect(store.task.status).toBe('failed')
    expect(fetchMock.calls('GET /api/users/me')).toHaveLength(1)
  })

  it('stops listening when the page is left', async () => {
    api()
    const store = useTaskStore()
    await store.open('t1')
    const [source] = FakeEventSource.instances
    store.stop()
    expect(source.closed).toBe(true)
    source.emit('progress', { status: 'processing', progress: 90 })
    expect(store.task.progress).toBe(0)
  })
})
