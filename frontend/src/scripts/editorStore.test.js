// Tests for the script editor store: debounced validation, problems, saving, loading.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { apiError, fakeApi } from '../testing/fakeApi.js'
import { VALIDATE_DELAY_MS, useScriptEditorStore } from './editorStore.js'

function report(problems = [], extra = {}) {
  return {
    speakers: ['daniu', 'yifan'],
    segments: [],
    estimated_chars: 12,
    estimated_duration: 3.5,
    estimated_credits: 1,
    problems,
    language: 'zh',
    ...extra,
  }
}

const SCRIPT = {
  id: 's1',
  title: 'Tea',
  content: '【大牛】你好',
  source: 'uploaded',
  speakers: ['daniu'],
  estimated_chars: 2,
  estimated_duration: 1,
  estimated_credits: 1,
  conversation_id: null,
  created_at: '2026-01-01T00:00:00Z',
}

describe('script editor store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.useFakeTimers()
  })
  afterEach(() => vi.useRealTimers())

  it('validates once, with the latest text, after typing pauses', async () => {
    const fetchMock = fakeApi({ 'POST /api/scripts/validate': report() })
    const editor = useScriptEditorStore()
    editor.setContent('【大')
    await vi.advanceTimersByTimeAsync(VALIDATE_DELAY_MS - 100)
    editor.setContent('【大牛】')
    await vi.advanceTimersByTimeAsync(VALIDATE_DELAY_MS - 100)
    editor.setContent('【大牛】你好')
    expect(fetchMock).not.toHaveBeenCalled()

    await vi.advanceTimersByTimeAsync(VALIDATE_DELAY_MS)
    const calls = fetchMock.calls('POST /api/scripts/validate')
    expect(calls).toHaveLength(1)
    expect(JSON.parse(calls[0][1].body)).toEqual({ content: '【大牛】你好' })
    expect(editor.report.language).toBe('zh')
  })

  it('maps the report problems to ordered items and tells errors apart', async () => {
    fakeApi({
      'POST /api/scripts/validate': report([
        { line: 4, severity: 'warning', message: 'the turn is very long' },
        { line: 2, severity: 'error', message: 'speaker tag without a name' },
      ]),
    })
    const editor = useScriptEditorStore()
    editor.setContent('# T\n【】x\n\n【大牛】' + 'long '.repeat(10))
    await vi.advanceTimersByTimeAsync(VALIDATE_DELAY_MS)
    expect(editor.problems.map((p) => `${p.severity} ${p.line}: ${p.message}`)).toEqual([
      'error 2: speaker tag without a name',
      'warning 4: the turn is very long',
    ])
    expect(editor.hasErrors).toBe(true)
  })

  it('ignores an answer that arrives after a newer one was asked for', async () => {
    let releaseFirst
    const fetchMock = fakeApi({
      'POST /api/scripts/validate': ({ body }) =>
        body.content === 'old'
          ? new Promise((resolve) => {
              releaseFirst = () => resolve(Response.json(report([{ line: 1, severity: 'error', message: 'stale' }])))
            })
          : report([]),
    })
    const editor = useScriptEditorStore()
    editor.setContent('old')
    await vi.advanceTimersByTimeAsync(VALIDATE_DELAY_MS)
    editor.setContent('new')
    await vi.advanceTimersByTimeAsync(VALIDATE_DELAY_MS)
    releaseFirst()
    await vi.runAllTimersAsync()
    expect(fetchMock).toHaveBeenCalledTimes(2)
    expect(editor.problems).toEqual([])
  })

  it('does not ask the API about an empty text', async () => {
    const fetchMock = fakeApi({})
    const editor = useScriptEditorStore()
    editor.setContent('   ')
    await vi.advanceTimersByTimeAsync(VALIDATE_DELAY_MS * 2)
    expect(fetchMock).not.toHaveBeenCalled()
    expect(editor.report).toBeNull()
  })

  it('creates a new script, then updates it with PUT', async () => {
    const fetchMock = fakeApi({
      'POST /api/scripts': SCRIPT,
      'PUT /api/scripts/s1': ({ body }) => ({ ...SCRIPT, ...body }),
    })
    const editor = useScriptEditorStore()
    editor.title = 'Tea'
    editor.content = SCRIPT.content
    expect(await editor.save()).toEqual(SCRIPT)
    expect(editor.id).toBe('s1')
    expect(editor.dirty).toBe(false)

    editor.content = '【大牛】你好！'
    expect(editor.dirty).toBe(true)
    await editor.save()
    const put = fetchMock.calls('PUT /api/scripts/s1')
    expect(JSON.parse(put[0][1].body)).toEqual({ title: 'Tea', content: '【大牛】你好！' })
    expect(editor.dirty).toBe(false)
  })

  it('keeps the line the API names when saving is refused', async () => {
    fakeApi({ 'POST /api/scripts': apiError(422, 'line 2: speaker tag without a name') })
    const editor = useScriptEditorStore()
    editor.content = '# T\n【】'
    expect(await editor.save()).toBeNull()
    expect(editor.saveError).toBe('line 2: speaker tag without a name')
    expect(editor.id).toBeNull()
  })

  it('loads a script and validates it straight away', async () => {
    fakeApi({ 'GET /api/scripts/s1': SCRIPT, 'POST /api/scripts/validate': report() })
    const editor = useScriptEditorStore()
    await editor.load('s1')
    expect(editor.title).toBe('Tea')
    expect(editor.content).toBe(SCRIPT.content)
    expect(editor.report.speakers).toEqual(['daniu', 'yifan'])
  })
})
