// Tests for the studio pages: starting a conversation from the form, a round streamed into the
// chat with its draft and quality report, finalize refused then forced, resume, and notices.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import { TOKEN_KEY } from '../api/http.js'
import { LANG_KEY } from '../i18n/store.js'
import { CONVERSATION } from '../testing/conversation.js'
import { apiError, fakeApi } from '../testing/fakeApi.js'
import { sseEvent, sseResponse } from '../testing/sse.js'
import ConversationView from './ConversationView.vue'
import NewConversationView from './NewConversationView.vue'

const stub = { template: '<div />' }

async function mountAt(path) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/studio', name: 'studio', component: stub },
      { path: '/studio/new', name: 'studio-new', component: NewConversationView },
      { path: '/studio/:id', name: 'conversation', component: ConversationView },
      { path: '/scripts/:id', name: 'script', component: stub },
      { path: '/scripts/:id/render', name: 'render', component: stub },
      { path: '/credits', name: 'credits', component: stub },
    ],
  })
  router.push(path)
  await router.isReady()
  const wrapper = mount({ template: '<router-view />' }, {
    global: { plugins: [createPinia(), router, ElementPlus] },
    attachTo: document.body,
  })
  await flushPromises()
  return Object.assign(wrapper, { router })
}

const DRAFT = '# Green tea\n\n**Alice:** Leaves first.\n'
const ROUND = {
  message: { id: 'm1', role: 'assistant', content: DRAFT, created_at: '2026-01-01T10:01:00Z', metadata: { tokens: 800, round: 1 } },
  script_preview: DRAFT,
  quality: {
    ok: false,
    checks: [
      { name: 'parses', ok: true, message: 'the script parses' },
      { name: 'speakers', ok: false, message: '1 speaker(s) talk; a conversation needs at least 2' },
    ],
  },
  credits_charged: 10,
}

beforeEach(() => {
  localStorage.clear()
  localStorage.setItem(LANG_KEY, 'en')
  localStorage.setItem(TOKEN_KEY, 'jwt')
  document.body.innerHTML = ''
})

describe('new conversation page', () => {
  it('sends the form with the speakers typed as tags, then opens the conversation', async () => {
    const fetchMock = fakeApi({
      'POST /api/conversations/create': ({ body }) => Response.json({ ...CONVERSATION, ...body }, { status: 201 }),
      'GET /api/conversations/c1': { ...CONVERSATION, messages: [] },
    })
    const wrapper = await mountAt('/studio/new')
    await wrapper.find('[data-testid="conversation-topic"]').setValue('How green tea is made')
    await wrapper.find('[data-testid="conversation-duration"]').setValue('2')
    const speaker = wrapper.find('[data-testid="conversation-speaker-input"]')
    expect(speaker.element.tagName).toBe('INPUT')
    await speaker.setValue('Alice')
    await speaker.trigger('keydown', { key: 'Enter' })
    // A name still in the box counts when the form is sent.
    await speaker.setValue('Bob')
    expect(wrapper.findAll('[data-testid="conversation-speaker"]').map((t) => t.text())).toEqual(['Alice'])
    await wrapper.find('[data-testid="conversation-create"]').trigger('submit')
    await flushPromises()

    const [[, init]] = fetchMock.calls('POST /api/conversations/create')
    expect(JSON.parse(init.body)).toEqual({
      topic: 'How green tea is made',
      style: 'educational',
      target_duration: 120,
      speakers: ['Alice', 'Bob'],
    })
    expect(wrapper.router.currentRoute.value.fullPath).toBe('/studio/c1')
    wrapper.unmount()
  })

  it('asks for two speakers before sending anything', async () => {
    const fetchMock = fakeApi({})
    const wrapper = await mountAt('/studio/new')
    await wrapper.find('[data-testid="conversation-topic"]').setValue('Tea')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    // Element Plus shows a form item's error after a short debounce.
    await vi.waitFor(() => expect(wrapper.text()).toContain('Add at least 2 speakers.'))
    expect(fetchMock).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it('shows a clear notice when the server has no model', async () => {
    fakeApi({
      'POST /api/conversations/create': () => apiError(503, 'No LLM is configured: set [llm] model (and api_key or api_base)'),
    })
    const wrapper = await mountAt('/studio/new')
    await wrapper.find('[data-testid="conversation-topic"]').setValue('Tea')
    const speaker = wrapper.find('[data-testid="conversation-speaker-input"]')
    await speaker.setValue('Alice, Bob')
    await speaker.trigger('keydown', { key: 'Enter' })
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    const notice = wrapper.find('[data-testid="studio-notice"]')
    expect(notice.attributes('data-kind')).toBe('no-llm')
    expect(notice.text()).toContain('the server has no language model configured')
    expect(wrapper.router.currentRoute.value.fullPath).toBe('/studio/new')
    wrapper.unmount()
  })
})

describe('conversation page', () => {
  it('streams a round into the chat, then shows the draft, its quality and the charge', async () => {
    const fetchMock = fakeApi({
      'GET /api/conversations/c1': { ...CONVERSATION, messages: [] },
      'GET /api/users/me': { id: 'u', username: 'ada', credit_balance: 90 },
      'POST /api/conversations/c1/messages': () =>
        sseResponse([sseEvent('delta', { text: '# Green tea\n\n' }), sseEvent('delta', { text: '**Alice:** Leaves first.\n' }), sseEvent('done', ROUND)]),
    })
    const wrapper = await mountAt('/studio/c1')
    expect(wrapper.find('[data-testid="conversation-heading"]').text()).toBe('Green tea')
    expect(wrapper.find('[data-testid="conversation-facts"]').text()).toBe('Casual · 2 min · English · Alice, Bob')
    expect(wrapper.find('[data-testid="finalize"]').attributes('disabled')).toBeDefined()
    expect(wrapper.find('[data-testid="pricing"]').text()).toContain(
      'The first round costs 10 credits and covers rounds 1–3; from round 4 each round costs 1 credit per started 1,000 tokens; a conversation never costs more than 50 credits.',
    )

    await wrapper.find('[data-testid="chat-input"]').setValue('Write it')
    await wrapper.find('[data-testid="chat-input"]').trigger('keydown', { key: 'Enter' })
    await flushPromises()

    expect(fetchMock.calls('POST /api/conversations/c1/messages')).toHaveLength(1)
    const messages = wrapper.findAll('[data-testid="chat-message"]')
    expect(messages.map((m) => m.attributes('data-role'))).toEqual(['user', 'assistant'])
    expect(messages[1].text()).toContain('Round 1 · 800 tokens · 10 credits')
    expect(wrapper.find('[data-testid="chat-input"]').element.value).toBe('')
    expect(wrapper.find('[data-testid="draft-preview"] h1').text()).toBe('Green tea')
    expect(wrapper.findAll('[data-testid="quality-check"]').map((c) => c.attributes('data-ok'))).toEqual(['true', 'false'])
    expect(wrapper.find('[data-testid="round-charge"]').text()).toBe('This round: 10 credits')
    expect(wrapper.find('[data-testid="charged-so-far"]').text()).toBe('Charged so far: 10 of at most 50 credits')
    expect(wrapper.find('[data-testid="finalize"]').attributes('disabled')).toBeUndefined()
    wrapper.unmount()
  })

  it('keeps the message and says so when credits are short', async () => {
    fakeApi({
      'GET /api/conversations/c1': { ...CONVERSATION, messages: [] },
      'POST /api/conversations/c1/messages': () =>
        apiError(402, 'not enough credits: 10 needed, 3 available', { required: 10, balance: 3, shortfall: 7 }),
    })
    const wrapper = await mountAt('/studio/c1')
    await wrapper.find('[data-testid="chat-input"]').setValue('Write it')
    await wrapper.find('[data-testid="chat-send"]').trigger('submit')
    await flushPromises()
    const notice = wrapper.find('[data-testid="studio-notice"]')
    expect(notice.attributes('data-kind')).toBe('credits')
    expect(notice.text()).toContain('you need 7 more credits')
    expect(notice.find('a').attributes('href')).toBe('/credits')
    expect(wrapper.findAll('[data-testid="chat-message"]')).toHaveLength(0)
    expect(wrapper.find('[data-testid="chat-input"]').element.value).toBe('Write it')
    wrapper.unmount()
  })

  it('shows why finalize was refused, finalizes anyway, then links the script', async () => {
    fakeApi({
      'GET /api/conversations/c1': { ...CONVERSATION, message_count: 2, messages: [{ id: 'q1', role: 'user', content: 'Write it', created_at: '', metadata: {} }, ROUND.message] },
      'POST /api/conversations/c1/finalize': ({ body }) =>
        body.force
          ? Response.json({ id: 's9', title: 'Green tea' }, { status: 201 })
          : apiError(422, 'the draft fails the quality check: Bob never speak(s) (finalize with force to keep it anyway)'),
    })
    const wrapper = await mountAt('/studio/c1')
    expect(wrapper.find('[data-testid="draft-preview"]').text()).toContain('Leaves first.')
    expect(wrapper.find('[data-testid="finalize-force"]').exists()).toBe(false)

    await wrapper.find('[data-testid="finalize"]').trigger('click')
    await flushPromises()
    expect(wrapper.findAll('[data-testid="finalize-reason"]').map((r) => r.text())).toEqual(['Bob never speak(s)'])
    expect(wrapper.find('[data-testid="finalized-script-link"]').exists()).toBe(false)

    await wrapper.find('[data-testid="finalize-force"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="finalize-refused"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="finalized-script-link"]').attributes('href')).toBe('/scripts/s9')
    expect(wrapper.find('[data-testid="finalized-render-link"]').attributes('href')).toBe('/scripts/s9/render')
    expect(wrapper.find('[data-testid="conversation-status"]').text()).toBe('Completed')
    expect(wrapper.find('[data-testid="chat-input"]').attributes('disabled')).toBeDefined()
    expect(wrapper.find('[data-testid="resume"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('resumes a completed conversation so it can be written on', async () => {
    fakeApi({
      'GET /api/conversations/c1': { ...CONVERSATION, status: 'completed', script_id: 's9', messages: [] },
      'PUT /api/conversations/c1/resume': { ...CONVERSATION, status: 'active', script_id: 's9' },
    })
    const wrapper = await mountAt('/studio/c1')
    expect(wrapper.find('[data-testid="finalized-script-link"]').attributes('href')).toBe('/scripts/s9')
    expect(wrapper.find('[data-testid="chat-input"]').attributes('disabled')).toBeDefined()
    await wrapper.find('[data-testid="resume"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="resume"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="chat-input"]').attributes('disabled')).toBeUndefined()
    wrapper.unmount()
  })
})
