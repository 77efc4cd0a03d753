// Tests for the task page's transcript: cues and chapters seek the main player, the cue being
// played is highlighted, and the SRT/WebVTT files are offered as downloads.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import { TOKEN_KEY } from '../api/http.js'
import { LANG_KEY } from '../i18n/store.js'
import { apiError, fakeApi } from '../testing/fakeApi.js'
import { VOICES } from '../testing/voices.js'
import TaskView from './TaskView.vue'

const ID = '1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809'
const AUDIO = [
  { id: 'a2', format: 'mp3', url: '/api/audio/a2/download?token=y', duration: 12, file_size: 100, sample_rate: 22050 },
]
const VTT =
  'WEBVTT\n\n' +
  '00:00:00.000 --> 00:00:03.120\n<v Alice>Welcome &amp; hello.\n\n' +
  '00:00:03.400 --> 00:00:07.000\n<v Bob>Thanks, Alice.\n\n' +
  '00:00:07.250 --> 00:00:12.000\n<v Alice>Let&#39;s talk queues.\n\n'
const SRT = '1\n00:00:00,000 --> 00:00:03,120\nAlice: Welcome & hello.\n\n'
const CHAPTERS = {
  version: '1.2.0',
  chapters: [
    { startTime: 0, title: 'Hello' },
    { startTime: 7.25, title: 'Queues' },
  ],
}

function task(overrides = {}) {
  return {
    id: ID,
    script_id: 's1',
    status: 'completed',
    progress: 100,
    voice_config: { Alice: 'en-us-sarah', Bob: 'en-us-michael' },
    credit_cost: 9,
    chars_processed: 90,
    engine_type: 'direct',
    error_message: null,
    script_changed: false,
    audio: AUDIO,
    created_at: '2025-01-01T10:00:00Z',
    completed_at: '2025-01-01T10:00:02Z',
    ...overrides,
  }
}

function api(extra = {}) {
  return fakeApi({
    [`GET /api/tasks/${ID}`]: task(),
    'GET /api/tasks': { items: [task()], total: 1 },
    'GET /api/voices': VOICES,
    [`GET /api/tasks/${ID}/transcript.vtt`]: () => new Response(VTT, { headers: { 'Content-Type': 'text/vtt' } }),
    [`GET /api/tasks/${ID}/transcript.srt`]: () => new Response(SRT),
    [`GET /api/tasks/${ID}/chapters.json`]: CHAPTERS,
    ...extra,
  })
}

async function mountPage() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/tasks', name: 'tasks', component: { template: '<div />' } },
      { path: '/tasks/:id', name: 'task', component: TaskView },
      { path: '/scripts/:id', name: 'script', component: { template: '<div />' } },
      { path: '/scripts/:id/render', name: 'render', component: { template: '<div />' } },
    ],
  })
  router.push(`/tasks/${ID}`)
  await router.isReady()
  const wrapper = mount({ template: '<router-view />' }, {
    global: { plugins: [createPinia(), router, ElementPlus] },
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}

describe('task page transcript', () => {
  let play
  let created

  beforeEach(() => {
    localStorage.clear()
    localStorage.setItem(LANG_KEY, 'en')
    localStorage.setItem(TOKEN_KEY, 'jwt')
    document.body.innerHTML = ''
    play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(() => Promise.resolve())
    // jsdom has no object URLs: hand out numbered ones and remember the blobs.
    created = new Map()
    let n = 0
    vi.stubGlobal('URL', Object.assign(class extends URL {}, {
      createObjectURL: vi.fn((blob) => {
        const url = `blob:test/${(n += 1)}`
        created.set(url, blob)
        return url
      }),
      revokeObjectURL: vi.fn((url) => created.delete(url)),
    }))
  })
  afterEach(() => vi.unstubAllGlobals())

  const audioOf = (wrapper) => wrapper.find('[data-testid="task-audio"]').element

  it('lists one cue per turn with start time, speaker and text', async () => {
    api()
    const wrapper = await mountPage()
    const panel = wrapper.find('[data-testid="transcript"]')
    const cues = panel.findAll('[data-testid="transcript-cue"]')
    expect(cues.map((c) => c.findAll('span').map((s) => s.text()))).toEqual([
      ['0:00', 'Alice', 'Welcome & hello.'],
      ['0:03', 'Bob', 'Thanks, Alice.'],
      ['0:07', 'Alice', "Let's talk queues."],
    ])
    // Spaces between the parts, for screen readers and copying.
    expect(cues[0].text()).toBe('0:00 Alice Welcome & hello.')
    wrapper.unmount()
  })

  it('plays the main audio from a cue when it is clicked, and highlights that cue', async () => {
    api()
    const wrapper = await mountPage()
    const audio = audioOf(wrapper)
    expect(audio.currentTime).toBe(0)

    await wrapper.findAll('[data-testid="transcript-cue"]')[1].trigger('click')
    expect(audio.currentTime).toBe(3.4)
    expect(play).toHaveBeenCalledTimes(1)
    expect(play.mock.contexts[0]).toBe(audio)
    const cues = wrapper.findAll('[data-testid="transcript-cue"]')
    expect(cues.map((c) => c.classes('active'))).toEqual([false, true, false])
    expect(cues[1].attributes('aria-current')).toBe('true')
    wrapper.unmount()
  })

  it('moves the highlight as the audio plays', async () => {
    api()
    const wrapper = await mountPage()
    const audio = audioOf(wrapper)
    const active = () => wrapper.findAll('[data-testid="transcript-cue"]').map((c) => c.classes('active'))
    expect(active()).toEqual([true, false, false])

    audio.currentTime = 8
    audio.dispatchEvent(new Event('timeupdate'))
    await flushPromises()
    expect(active()).toEqual([false, false, true])
    const chapters = wrapper.findAll('[data-testid="chapter"]')
    expect(chapters.map((c) => c.classes('active'))).toEqual([false, true])

    audio.currentTime = 3.2 // the pause after Alice: still hers
    audio.dispatchEvent(new Event('timeupdate'))
    await flushPromises()
    expect(active()).toEqual([true, false, false])
    wrapper.unmount()
  })

  it('lists the chapters, and a chapter seeks like a cue', async () => {
    api()
    const wrapper = await mountPage()
    const chapters = wrapper.findAll('[data-testid="chapters"] [data-testid="chapter"]')
    expect(chapters.map((c) => c.text())).toEqual(['0:00 Hello', '0:07 Queues'])
    await chapters[1].trigger('click')
    expect(audioOf(wrapper).currentTime).toBe(7.25)
    expect(play).toHaveBeenCalledTimes(1)
    wrapper.unmount()
  })

  it('shows no chapter list when there are none', async () => {
    api({ [`GET /api/tasks/${ID}/chapters.json`]: { version: '1.2.0', chapters: [] } })
    const wrapper = await mountPage()
    expect(wrapper.findAll('[data-testid="transcript-cue"]')).toHaveLength(3)
    expect(wrapper.find('[data-testid="chapters"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('offers the SRT and WebVTT files as named downloads of what the API sent', async () => {
    api()
    const wrapper = await mountPage()
    const srt = wrapper.find('[data-testid="download-srt"]')
    const vtt = wrapper.find('[data-testid="download-vtt"]')
    expect(srt.attributes('download')).toBe('podforge-1a2b3c4d.srt')
    expect(vtt.attributes('download')).toBe('podforge-1a2b3c4d.vtt')
    expect(await created.get(srt.attributes('href')).text()).toBe(SRT)
    expect(await created.get(vtt.attributes('href')).text()).toBe(VTT)

    wrapper.unmount()
    expect(created.size).toBe(0)
  })

  it('says so when the render has no transcript, without download links', async () => {
    api({ [`GET /api/tasks/${ID}/transcript.vtt`]: () => apiError(404, 'this task was rendered without a transcript') })
    const wrapper = await mountPage()
    expect(wrapper.find('[data-testid="transcript"]').text()).toBe('There is no transcript for this render.')
    expect(wrapper.find('[data-testid="transcript-cue"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="download-vtt"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('has no transcript panel before the task completes', async () => {
    const running = task({ status: 'processing', progress: 30, audio: [] })
    const fetchMock = api({ [`GET /api/tasks/${ID}`]: running })
    // An event stream that never says anything: the task stays running.
    vi.stubGlobal('EventSource', class {
      addEventListener() {}
      close() {}
    })
    const wrapper = await mountPage()
    expect(wrapper.find('[data-testid="task-progress"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="transcript"]').exists()).toBe(false)
    expect(fetchMock.calls(`GET /api/tasks/${ID}/transcript.vtt`)).toHaveLength(0)
    wrapper.unmount()
  })
})
