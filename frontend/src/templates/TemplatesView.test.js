// Tests for the template gallery page: cards by language, the language filter, using a template
// (signed in: a new script opened in the editor; guests: sign in first).
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import { TOKEN_KEY } from '../api/http.js'
import { LANG_KEY } from '../i18n/store.js'
import { fakeApi } from '../testing/fakeApi.js'
import TemplatesView from './TemplatesView.vue'

const TEMPLATES = [
  { id: 't1', title: 'Tea talk', topic: 'Tea', style: 'casual', language: 'en', speakers: ['Alice', 'Bob'], description: 'A chat about tea.' },
  { id: 't2', title: '茶的故事', topic: '茶', style: 'educational', language: 'zh', speakers: ['大牛', '一帆'], description: '聊聊茶。' },
]

async function mountPage() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/templates', name: 'templates', component: TemplatesView },
      { path: '/scripts/:id', name: 'script', component: { template: '<div />' } },
      { path: '/login', name: 'login', component: { template: '<div />' } },
    ],
  })
  router.push('/templates')
  await router.isReady()
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [createPinia(), router, ElementPlus] } })
  await flushPromises()
  return Object.assign(wrapper, { router })
}

describe('template gallery', () => {
  beforeEach(() => {
    localStorage.clear()
    localStorage.setItem(LANG_KEY, 'en')
  })

  it('shows a card per template, grouped by language with the interface language first', async () => {
    fakeApi({ 'GET /api/templates': TEMPLATES })
    const wrapper = await mountPage()
    const cards = wrapper.findAll('[data-testid="template-card"]')
    expect(cards.map((c) => c.attributes('data-language'))).toEqual(['en', 'zh'])
    expect(cards[0].text()).toContain('Tea talk')
    expect(cards[0].text()).toContain('A chat about tea.')
    expect(cards[0].text()).toContain('Casual')
    expect(cards[0].findAll('.el-tag').map((t) => t.text())).toEqual(['Casual', 'Alice', 'Bob'])
    expect(wrapper.findAll('h3').map((h) => h.text())).toEqual(['English', 'Chinese'])

    await wrapper.find('[data-testid="template-filter-zh"] input').setValue(true)
    await flushPromises()
    expect(wrapper.findAll('[data-testid="template-card"]').map((c) => c.text())).toEqual([expect.stringContaining('茶的故事')])
  })

  it('makes a script from a template and opens it in the editor', async () => {
    localStorage.setItem(TOKEN_KEY, 'jwt')
    const fetchMock = fakeApi({
      'GET /api/templates': TEMPLATES,
      'POST /api/templates/t2/scripts': () => Response.json({ id: 's7', source: 'template' }, { status: 201 }),
    })
    const wrapper = await mountPage()
    await wrapper.findAll('[data-testid="template-use"]')[1].trigger('click')
    await flushPromises()
    expect(fetchMock.calls('POST /api/templates/t2/scripts')).toHaveLength(1)
    expect(wrapper.router.currentRoute.value.fullPath).toBe('/scripts/s7')
  })

  it('asks guests to sign in before using a template', async () => {
    fakeApi({ 'GET /api/templates': TEMPLATES })
    const wrapper = await mountPage()
    const use = wrapper.find('[data-testid="template-use"]')
    expect(use.element.tagName).toBe('A')
    expect(use.attributes('href')).toBe('/login?redirect=/templates')
  })
})
