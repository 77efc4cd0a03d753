// Tests for the studio's small components: the quality report, the chat following the newest
// message, and the notices for no model, missing credits and model failures.
import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import { CircleCheckFilled, CircleCloseFilled } from '@element-plus/icons-vue'
import { LANG_KEY } from '../i18n/store.js'
import ChatMessages from './ChatMessages.vue'
import QualityReport from './QualityReport.vue'
import StudioNotice from './StudioNotice.vue'

const plugins = () => {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/credits', name: 'credits', component: { template: '<div />' } }],
  })
  return [createPinia(), router, ElementPlus]
}

const QUALITY = {
  ok: false,
  checks: [
    { name: 'parses', ok: true, message: 'the script parses' },
    { name: 'everyone_speaks', ok: false, message: 'Bob never speak(s)' },
    { name: 'new_check', ok: true, message: 'fine' },
  ],
}

describe('QualityReport', () => {
  beforeEach(() => localStorage.setItem(LANG_KEY, 'en'))

  const mountReport = (props) => mount(QualityReport, { props, global: { plugins: plugins() } })

  it('lists each check with a passed or failed icon, its name and message', () => {
    const wrapper = mountReport({ quality: QUALITY })
    const report = wrapper.find('[data-testid="quality-report"]')
    expect(report.attributes('data-ok')).toBe('false')
    expect(report.find('.el-tag').text()).toBe('The draft fails some checks.')
    const checks = wrapper.findAll('[data-testid="quality-check"]')
    expect(checks.map((c) => [c.attributes('data-ok'), c.find('.check-name').text(), c.find('.check-message').text()])).toEqual([
      ['true', 'Script format', 'the script parses'],
      ['false', 'Everyone speaks', 'Bob never speak(s)'],
      ['true', 'new_check', 'fine'],
    ])
    expect(checks[0].find('.check-icon').attributes('aria-label')).toBe('Passed')
    expect(checks[1].find('.check-icon').attributes('aria-label')).toBe('Failed')
    const icons = wrapper.findAll('.check').map((c) => [
      c.findComponent(CircleCheckFilled).exists(),
      c.findComponent(CircleCloseFilled).exists(),
    ])
    expect(icons).toEqual([[true, false], [false, true], [true, false]])
    expect(checks[0].classes()).toContain('ok')
    expect(checks[1].classes()).toContain('bad')
  })

  it('says a draft passes', () => {
    const wrapper = mountReport({ quality: { ok: true, checks: [QUALITY.checks[0]] } })
    expect(wrapper.find('.el-tag').text()).toBe('The draft passes every check.')
    expect(wrapper.find('.el-tag').classes()).toContain('el-tag--success')
  })

  it('explains a missing report, and waits while a round runs', () => {
    expect(mountReport({ quality: null }).text()).toContain('Each new draft is checked')
    const pending = mountReport({ quality: QUALITY, pending: true })
    expect(pending.findAll('[data-testid="quality-check"]')).toHaveLength(0)
    expect(pending.text()).toContain('Checked when the reply is complete')
  })

  it('speaks Chinese too', () => {
    localStorage.setItem(LANG_KEY, 'zh-cn')
    const wrapper = mountReport({ quality: QUALITY })
    expect(wrapper.findAll('.check-name').map((n) => n.text())).toEqual(['脚本格式', '每位主持人都发言', 'new_check'])
  })
})

describe('ChatMessages', () => {
  beforeEach(() => {
    localStorage.setItem(LANG_KEY, 'en')
    document.body.innerHTML = ''
  })

  const message = (id, role, content, extra = {}) => ({ id, role, content, created_at: '', metadata: {}, ...extra })

  /** jsdom has no layout: give the list a fixed viewport and a height that grows with its text. */
  function fakeLayout(el) {
    Object.defineProperty(el, 'clientHeight', { configurable: true, get: () => 200 })
    Object.defineProperty(el, 'scrollHeight', { configurable: true, get: () => 100 + el.textContent.length * 10 })
  }

  async function mountChat(messages) {
    const wrapper = mount(ChatMessages, {
      props: { messages, charges: { a1: 10 } },
      global: { plugins: plugins() },
      attachTo: document.body,
    })
    const list = wrapper.find('[data-testid="chat-messages"]').element
    fakeLayout(list)
    return { wrapper, list }
  }

  it('scrolls to the newest message when one is added', async () => {
    const first = [message('q1', 'user', 'Write it'), message('a1', 'assistant', 'Draft', { metadata: { round: 1, tokens: 900 } })]
    const { wrapper, list } = await mountChat(first)
    expect(wrapper.findAll('[data-testid="chat-message"]').map((m) => m.attributes('data-role'))).toEqual(['user', 'assistant'])
    expect(wrapper.find('[data-testid="chat-message-meta"]').text()).toBe('Round 1 · 900 tokens · 10 credits')

    // Even a reader who scrolled up sees a new message (of the same length as the last: only
    // its arrival moves the list).
    list.scrollTop = 0
    list.dispatchEvent(new Event('scroll'))
    await wrapper.setProps({ messages: [...first, message('q2', 'user', 'Hello')] })
    expect(list.scrollTop).toBe(list.scrollHeight)
    expect(list.scrollTop).toBeGreaterThan(100)
    wrapper.unmount()
  })

  it('follows a streaming reply, unless the reader scrolled up', async () => {
    const live = message('r', 'assistant', '', { streaming: true })
    const messages = [message('q1', 'user', 'Write it'), live]
    const { wrapper, list } = await mountChat(messages)
    expect(wrapper.find('.streaming').text()).toContain('Writing…')

    await wrapper.setProps({ messages: [messages[0], { ...live, content: 'Line one\n' }] })
    expect(list.scrollTop).toBe(list.scrollHeight)

    // The reader scrolls up to reread: new text must not pull them down.
    list.scrollTop = 0
    list.dispatchEvent(new Event('scroll'))
    await wrapper.setProps({ messages: [messages[0], { ...live, content: 'Line one\nLine two\n' }] })
    expect(list.scrollTop).toBe(0)

    // A new message always comes into view.
    await wrapper.setProps({ messages: [messages[0], message('a1', 'assistant', 'Line one\nLine two\n'), message('q2', 'user', 'More')] })
    expect(list.scrollTop).toBe(list.scrollHeight)
    wrapper.unmount()
  })

  it('folds a long finished reply and unfolds it on request', async () => {
    const long = Array.from({ length: 30 }, (_, i) => `**Alice:** line ${i}`).join('\n')
    const { wrapper } = await mountChat([message('a1', 'assistant', long, { metadata: { round: 1, tokens: 10 } })])
    expect(wrapper.find('.text').classes()).toContain('folded')
    await wrapper.find('.fold').trigger('click')
    expect(wrapper.find('.text').classes()).not.toContain('folded')
    expect(wrapper.find('.fold').text()).toBe('Show less')
    wrapper.unmount()
  })
})

describe('StudioNotice', () => {
  beforeEach(() => localStorage.setItem(LANG_KEY, 'en'))
  const mountNotice = (notice) => mount(StudioNotice, { props: { notice }, global: { plugins: plugins() } })

  it('says the server has no model and what an administrator sets', () => {
    const wrapper = mountNotice({ kind: 'no-llm', detail: 'No LLM is configured' })
    const notice = wrapper.find('[data-testid="studio-notice"]')
    expect(notice.attributes('data-kind')).toBe('no-llm')
    expect(notice.text()).toContain('AI writing is not available: the server has no language model configured.')
    expect(notice.text()).toContain('[llm] model')
  })

  it('says how many credits are missing, with a link to buy them', () => {
    const wrapper = mountNotice({ kind: 'credits', detail: 'x', required: 10, balance: 4, shortfall: 6 })
    expect(wrapper.text()).toContain('Not enough credits: you need 6 more credits for this round.')
    expect(wrapper.text()).toContain('Needed: 10, your balance: 4.')
    expect(wrapper.find('[data-testid="studio-buy-credits"]').attributes('href')).toBe('/credits')
  })

  it('says a failed model charged nothing', () => {
    expect(mountNotice({ kind: 'model', detail: 'upstream 500', timeout: false }).text()).toContain(
      'The model failed, nothing was charged: try again.',
    )
    expect(mountNotice({ kind: 'model', detail: 'slow', timeout: true }).text()).toContain('took too long')
  })
})
