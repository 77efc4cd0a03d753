// Tests for the render store: default voices from the script's language, submitting, a 402.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { apiError, fakeApi } from '../testing/fakeApi.js'
import { VOICES } from '../testing/voices.js'
import { describeFailure, useRenderStore } from './renderStore.js'

const SCRIPT = {
  id: 's1',
  title: 'Tea',
  content: '【大牛】你好\n【主持】欢迎',
  speakers: ['daniu', '主持'],
  estimated_duration: 12.5,
  estimated_credits: 3,
}

function api(extra = {}) {
  return fakeApi({
    'GET /api/scripts/s1': SCRIPT,
    'POST /api/scripts/validate': { speakers: SCRIPT.speakers, problems: [], language: 'zh' },
    'GET /api/voices': VOICES,
    'GET /api/users/me': { id: 'u', credit_balance: 97 },
    ...extra,
  })
}

describe('render store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('picks distinct voices of the script language for its speakers', async () => {
    api()
    const render = useRenderStore()
    await render.load('s1')
    expect(render.language).toBe('zh')
    expect(render.voiceConfig).toEqual({ daniu: 'zh-cn-daniu', 主持: 'zh-cn-yifan' })
    expect(render.estimate).toEqual({ duration: 12.5, credits: 3 })
    expect(render.ready).toBe(true)
  })

  it('submits the chosen voices', async () => {
    const fetchMock = api({ 'POST /api/tasks': { task_id: 't9', status: 'pending', credit_cost: 3 } })
    const render = useRenderStore()
    await render.load('s1')
    render.chooseVoice('主持', 'en-us-sarah')
    const created = await render.submit()
    expect(created.task_id).toBe('t9')
    expect(JSON.parse(fetchMock.calls('POST /api/tasks')[0][1].body)).toEqual({
      script_id: 's1',
      voice_config: { daniu: 'zh-cn-daniu', 主持: 'en-us-sarah' },
    })
  })

  it('keeps the shortfall of a 402', async () => {
    api({
      'POST /api/tasks': apiError(402, 'not enough credits', { required: 130, balance: 100, shortfall: 30 }),
    })
    const render = useRenderStore()
    await render.load('s1')
    expect(await render.submit()).toBeNull()
    expect(render.submitError).toMatchObject({ kind: 'credits', shortfall: 30, required: 130, balance: 100 })
  })

  it('reports a refused voice with the API detail', async () => {
    api({ 'POST /api/tasks': apiError(422, "daniu: voice_id 'x' is not in the voice library") })
    const render = useRenderStore()
    await render.load('s1')
    await render.submit()
    expect(render.submitError).toEqual({
      kind: 'other',
      message: "daniu: voice_id 'x' is not in the voice library",
    })
  })

  it('says why the page cannot load', async () => {
    api({ 'GET /api/scripts/s1': apiError(404, 'script not found') })
    const render = useRenderStore()
    await render.load('s1')
    expect(render.loadError).toBe('script not found')
    expect(render.script).toBeNull()
  })
})

describe('describeFailure', () => {
  it('works out the shortfall when the body lacks it', () => {
    const err = { status: 402, detail: 'x', body: { detail: 'x', required: 50, balance: 20 } }
    expect(describeFailure(err).shortfall).toBe(30)
  })
})
