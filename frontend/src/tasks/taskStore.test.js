// Tests for following a task: progress from the event stream, polling when the stream fails, cancel.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { TOKEN_KEY } from '../api/http.js'
import { apiError, fakeApi } from '../testing/fakeApi.js'
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
      'POST /api/tasks/t1/events/ticket': { ticket: 'one-use', expires_in: 60 },
      ...extra,
    })
  }

  it('follows progress from the event stream, opened with a ticket and never the token', async () => {
    const fetchMock = api()
    const store = useTaskStore()
    await store.open('t1')
    const [source] = FakeEventSource.instances
    expect(source.url).toBe('/api/tasks/t1/events?ticket=one-use')
    expect(source.url).not.toContain('jwt')
    const [, init] = fetchMock.calls('POST /api/tasks/t1/events/ticket')[0]
    expect(init.headers.Authorization).toBe('Bearer jwt')
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

  it('polls when no stream ticket can be had', async () => {
    vi.useFakeTimers()
    const fetchMock = api({
      'POST /api/tasks/t1/events/ticket': () => apiError(503, 'Redis is unreachable'),
      'GET /api/tasks/t1/status': { task_id: 't1', status: 'processing', progress: 30, error_message: null, audio: [] },
    })
    const store = useTaskStore()
    await store.open('t1')
    await vi.advanceTimersByTimeAsync(0)
    expect(FakeEventSource.instances).toHaveLength(0)
    expect(store.channel).toBe('polling')
    expect(fetchMock.calls('GET /api/tasks/t1/status')).toHaveLength(1)
    expect(store.task.progress).toBe(30)
    store.stop()
  })

  it('opens no stream when the page moved on before the ticket came', async () => {
    let release
    const held = new Promise((resolve) => (release = resolve))
    api({
      'POST /api/tasks/t1/events/ticket': async () => {
        await held
        return { ticket: 'late', expires_in: 60 }
      },
    })
    const store = useTaskStore()
    const opening = store.open('t1')
    await vi.waitFor(() => expect(store.task?.id).toBe('t1'))
    store.stop()
    release()
    await opening
    expect(FakeEventSource.instances).toHaveLength(0)
    expect(store.channel).toBeNull()
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

describe('task store: transcript and chapters', () => {
  const VTT =
    'WEBVTT\n\n00:00:00.000 --> 00:00:03.120\n<v Alice>Hi &amp; welcome.\n\n' +
    '00:00:03.400 --> 00:00:07.000\n<v Bob>Thanks.\n\n'
  const SRT = '1\n00:00:00,000 --> 00:00:03,120\nAlice: Hi & welcome.\n\n2\n00:00:03,400 --> 00:00:07,000\nBob: Thanks.\n\n'
  const CHAPTERS = { version: '1.2.0', chapters: [{ startTime: 0, title: 'Episode 12' }] }
  const text = (body, type) => () => new Response(body, { headers: { 'Content-Type': type } })
  let latest

  beforeEach(() => {
    setActivePinia(createPinia())
    localStorage.clear()
    localStorage.setItem(TOKEN_KEY, 'jwt')
    FakeEventSource.instances = []
    vi.stubGlobal('EventSource', FakeEventSource)
    latest = task({ status: 'completed', progress: 100, audio: AUDIO })
  })

  function api(extra = {}) {
    return fakeApi({
      'GET /api/tasks/t1': () => latest,
      'GET /api/tasks': () => ({ items: [latest], total: 1 }),
      'GET /api/users/me': { id: 'u', username: 'ada', credit_balance: 99 },
      'GET /api/tasks/t1/transcript.vtt': text(VTT, 'text/vtt; charset=utf-8'),
      'GET /api/tasks/t1/transcript.srt': text(SRT, 'application/x-subrip; charset=utf-8'),
      'GET /api/tasks/t1/chapters.json': CHAPTERS,
      'POST /api/tasks/t1/events/ticket': { ticket: 'one-use', expires_in: 60 },
      ...extra,
    })
  }

  it('loads the cues, chapters and both files of a completed task, with the token', async () => {
    const fetchMock = api()
    const store = useTaskStore()
    await store.open('t1')
    await vi.waitFor(() => expect(store.transcript.loading).toBe(false))
    expect(store.transcript.cues).toEqual([
      { index: 0, start: 0, end: 3.12, speaker: 'Alice', text: 'Hi & welcome.' },
      { index: 1, start: 3.4, end: 7, speaker: 'Bob', text: 'Thanks.' },
    ])
    expect(store.transcript.chapters).toEqual([{ start: 0, title: 'Episode 12' }])
    expect(store.transcript.vtt).toBe(VTT)
    expect(store.transcript.srt).toBe(SRT)
    expect(store.transcript.missing).toBe(false)
    expect(store.transcript.error).toBe('')
    const [, init] = fetchMock.calls('GET /api/tasks/t1/transcript.vtt')[0]
    expect(init.headers.Authorization).toBe('Bearer jwt')
  })

  it('asks for nothing while the task runs, then loads it when the task completes', async () => {
    latest = task({ status: 'processing', progress: 10 })
    const fetchMock = api()
    const store = useTaskStore()
    await store.open('t1')
    expect(fetchMock.calls('GET /api/tasks/t1/transcript.vtt')).toHaveLength(0)
    expect(store.transcript.cues).toEqual([])

    latest = task({ status: 'completed', progress: 100, audio: AUDIO })
    FakeEventSource.instances[0].emit('end', { task_id: 't1', status: 'completed', progress: 100, audio: AUDIO })
    await vi.waitFor(() => expect(store.transcript.cues).toHaveLength(2))
    expect(store.transcript.chapters).toHaveLength(1)
    expect(fetchMock.calls('GET /api/tasks/t1/transcript.vtt')).toHaveLength(1)
  })

  it('asks for nothing for a failed task', async () => {
    latest = task({ status: 'failed', error_message: 'boom' })
    const fetchMock = api()
    await useTaskStore().open('t1')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(fetchMock.calls('GET /api/tasks/t1/transcript.vtt')).toHaveLength(0)
    expect(fetchMock.calls('GET /api/tasks/t1/chapters.json')).toHaveLength(0)
  })

  it('says the transcript is missing on a 404, and keeps the cues when only chapters fail', async () => {
    api({ 'GET /api/tasks/t1/transcript.vtt': () => apiError(404, 'this task was rendered without a transcript') })
    const store = useTaskStore()
    await store.open('t1')
    await vi.waitFor(() => expect(store.transcript.missing).toBe(true))
    expect(store.transcript.cues).toEqual([])
    expect(store.transcript.error).toBe('')

    setActivePinia(createPinia())
    api({
      'GET /api/tasks/t1/chapters.json': () => apiError(500, 'disk on fire'),
      'GET /api/tasks/t1/transcript.srt': () => apiError(500, 'disk on fire'),
    })
    const again = useTaskStore()
    await again.open('t1')
    await vi.waitFor(() => expect(again.transcript.cues).toHaveLength(2))
    expect(again.transcript.chapters).toEqual([])
    expect(again.transcript.srt).toBe('')
    expect(again.transcript.error).toBe('')
  })

  it('reports a transcript that could not be read', async () => {
    api({ 'GET /api/tasks/t1/transcript.vtt': () => apiError(500, 'storage unavailable') })
    const store = useTaskStore()
    await store.open('t1')
    await vi.waitFor(() => expect(store.transcript.error).toBe('storage unavailable'))
    expect(store.transcript.missing).toBe(false)
  })

  it('drops a transcript that arrives after the page moved to another task', async () => {
    let release
    const held = new Promise((resolve) => (release = resolve))
    api({
      'GET /api/tasks/t1/transcript.vtt': async () => {
        await held
        return new Response(VTT)
      },
      'GET /api/tasks/t2': task({ id: 't2', status: 'processing', progress: 5 }),
    })
    const store = useTaskStore()
    await store.open('t1')
    await store.open('t2')
    release()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(store.task.id).toBe('t2')
    expect(store.transcript.cues).toEqual([])
    expect(store.transcript.taskId).toBeNull()
    store.stop()
  })
})
