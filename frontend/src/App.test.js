// Tests for the app shell: navigation, session corner, language switch, home page health status, unknown routes.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import ElementPlus, { ElConfigProvider } from 'element-plus'
import App from './App.vue'
import { createAppRouter } from './router.js'
import { LANG_KEY } from './i18n/store.js'
import { TOKEN_KEY } from './api/http.js'
import { fakeApi } from './testing/fakeApi.js'

async function mountApp(path = '/') {
  const router = createAppRouter(createMemoryHistory())
  router.push(path)
  await router.isReady()
  const wrapper = mount(App, {
    global: { plugins: [createPinia(), router, ElementPlus] },
    attachTo: document.body,
  })
  await flushPromises()
  return Object.assign(wrapper, { router })
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
    expect(wrapper.find('.shell-nav').text()).toContain('Voices')
    expect(wrapper.find('.shell-nav').text()).not.toContain('Scripts')
    // The template gallery is open to guests; the AI studio needs an account.
    expect(wrapper.find('[data-testid="nav-templates"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="nav-studio"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="nav-login"]').exists()).toBe(true)
    expect(wrapper.text()).toContain('Turn a topic into a finished multi-host podcast')
    expect(wrapper.find('[data-testid="api-status"]').text()).toBe('Up')
    wrapper.unmount()
  })

  it('switches between Chinese and English, Element Plus locale included', async () => {
    localStorage.setItem(LANG_KEY, 'zh-cn')
    const wrapper = await mountApp()
    const provider = () => wrapper.findComponent(ElConfigProvider)
    expect(provider().props('locale').name).toBe('zh-cn')
    expect(wrapper.find('.shell-nav').text()).toContain('音色')
    expect(document.documentElement.lang).toBe('zh-CN')

    await wrapper.find('[data-testid="lang-en"] input').setValue(true)
    await flushPromises()
    expect(provider().props('locale').name).toBe('en')
    expect(wrapper.find('.shell-nav').text()).toContain('Voices')
    expect(wrapper.find('.shell-nav').text()).not.toContain('音色')
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

describe('App shell with a session', () => {
  const USER = { id: 'u1', username: 'ada', email: 'a@b.c', credit_balance: 42, total_credit_purchased: 0 }

  beforeEach(() => {
    localStorage.clear()
    localStorage.setItem(LANG_KEY, 'en')
    document.body.innerHTML = ''
  })

  it('sends a signed-out visitor of a private page to sign-in, remembering it', async () => {
    fakeApi({})
    const wrapper = await mountApp('/credits')
    expect(wrapper.router.currentRoute.value.fullPath).toBe('/login?redirect=/credits')
    expect(wrapper.find('[data-testid="login-username"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('shows the sections, the user and the balance, and signs out', async () => {
    localStorage.setItem(TOKEN_KEY, 'jwt')
    const fetchMock = fakeApi({
      'GET /api/users/me': USER,
      'GET /api/voices': [],
      'POST /api/auth/logout': () => new Response(null, { status: 204 }),
    })
    const wrapper = await mountApp('/voices')
    for (const id of ['nav-scripts', 'nav-studio', 'nav-templates', 'nav-tasks', 'nav-credits', 'nav-voices']) {
      expect(wrapper.find(`[data-testid="${id}"]`).exists()).toBe(true)
    }
    expect(wrapper.find('[data-testid="header-user"]').text()).toBe('ada')
    expect(wrapper.find('[data-testid="header-balance"]').text()).toBe('42 credits')

    await wrapper.find('[data-testid="sign-out"]').trigger('click')
    await flushPromises()
    expect(fetchMock.calls('POST /api/auth/logout')[0][1].headers.Authorization).toBe('Bearer jwt')
    expect(localStorage.getItem(TOKEN_KEY)).toBeNull()
    expect(wrapper.router.currentRoute.value.name).toBe('login')
    expect(wrapper.find('[data-testid="nav-scripts"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('opens the account page with the change-password form from the user corner', async () => {
    localStorage.setItem(TOKEN_KEY, 'jwt')
    localStorage.setItem(LANG_KEY, 'en')
    fakeApi({ 'GET /api/users/me': USER, 'GET /api/voices': [] })
    const wrapper = await mountApp('/voices')
    await wrapper.find('[data-testid="nav-account"]').trigger('click')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="password-form"]').exists()).toBe(true))
    expect(wrapper.router.currentRoute.value.name).toBe('account')
    expect(wrapper.find('[data-testid="account-who"]').text()).toContain('ada')
    wrapper.unmount()
  })

  it('opens the AI studio from the navigation', async () => {
    localStorage.setItem(TOKEN_KEY, 'jwt')
    fakeApi({
      'GET /api/users/me': USER,
      'GET /api/voices': [],
      'GET /api/conversations': { items: [{ id: 'c1', title: 'Tea', style: 'casual', status: 'active', message_count: 2, updated_at: '2026-01-01T10:00:00Z' }], total: 1 },
    })
    const wrapper = await mountApp('/voices')
    await wrapper.find('[data-testid="nav-studio"]').trigger('click')
    // The studio page is loaded on demand.
    await vi.waitFor(() => expect(wrapper.find('[data-testid="conversation-link"]').exists()).toBe(true))
    expect(wrapper.router.currentRoute.value.fullPath).toBe('/studio')
    expect(wrapper.find('[data-testid="studio-new"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="conversation-link"]').attributes('href')).toBe('/studio/c1')
    expect(wrapper.find('[data-testid="conversations-table"]').text()).toContain('Casual')
    wrapper.unmount()
  })

  it('sends a signed-out visitor of the studio to sign-in', async () => {
    fakeApi({})
    const wrapper = await mountApp('/studio/new')
    expect(wrapper.router.currentRoute.value.fullPath).toBe('/login?redirect=/studio/new')
    wrapper.unmount()
  })

  it('starts signed-in users at their scripts', async () => {
    localStorage.setItem(TOKEN_KEY, 'jwt')
    fakeApi({ 'GET /api/users/me': USER, 'GET /api/scripts': { items: [], total: 0 } })
    const wrapper = await mountApp('/')
    expect(wrapper.router.currentRoute.value.name).toBe('scripts')
    expect(wrapper.find('[data-testid="new-script"]').exists()).toBe(true)
    wrapper.unmount()
  })
})
