// Tests for the app shell: language switch, home page health status, unknown routes.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import ElementPlus, { ElConfigProvider } from 'element-plus'
import App from './App.vue'
import { createAppRouter } from './router.js'
import { LANG_KEY } from './i18n/store.js'

async function mountApp(path = '/') {
  const router = createAppRouter(createMemoryHistory())
  router.push(path)
  await router.isReady()
  const wrapper = mount(App, {
    global: { plugins: [createPinia(), router, ElementPlus] },
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}

describe('App shell', () => {
  beforeEach(() => {
    localStorage.clear()
    document.body.innerHTML = ''
    vi.stubGlobal('fetch', vi.fn(async () => Response.json({ status: 'ok' })))
  })

  it('shows the brand, navigation and home page', async () => {
    localStorage.setItem(LANG_KEY, 'en')
    const wrapper = await mountApp()
    expect(wrapper.find('.brand').text()).toBe('PodForge')
    expect(wrapper.find('.shell-nav').text()).toContain('Home')
    expect(wrapper.text()).toContain('Turn a topic into a finished multi-host podcast')
    expect(wrapper.find('[data-testid="api-status"]').text()).toBe('Up')
    wrapper.unmount()
  })

  it('switches between Chinese and English, Element Plus locale included', async () => {
    localStorage.setItem(LANG_KEY, 'zh-cn')
    const wrapper = await mountApp()
    const provider = () => wrapper.findComponent(ElConfigProvider)
    expect(provider().props('locale').name).toBe('zh-cn')
    expect(wrapper.find('.shell-nav').text()).toContain('首页')
    expect(document.documentElement.lang).toBe('zh-CN')

    await wrapper.find('[data-testid="lang-en"] input').setValue(true)
    await flushPromises()
    expect(provider().props('locale').name).toBe('en')
    expect(wrapper.find('.shell-nav').text()).toContain('Home')
    expect(wrapper.find('.shell-nav').text()).not.toContain('首页')
    expect(wrapper.text()).toContain('Turn a topic into a finished multi-host podcast')
    expect(document.documentElement.lang).toBe('en')
    expect(localStorage.getItem(LANG_KEY)).toBe('en')

    await wrapper.find('[data-testid="lang-zh-cn"] input').setValue(true)
    await flushPromises()
    expect(provider().props('locale').name).toBe('zh-cn')
    expect(wrapper.find('[data-testid="api-status"]').text()).toBe('运行正常')
    wrapper.unmount()
  })

  it('shows the not-found page for unknown routes', async () => {
    localStorage.setItem(LANG_KEY, 'en')
    const wrapper = await mountApp('/no/such/page')
    expect(wrapper.text()).toContain('Page not found')
    expect(wrapper.text()).not.toContain('Turn a topic')
    wrapper.unmount()
  })
})
