// Tests for rate limits in the web app: a 429 reads as a wait in the interface language, and the
// sign-up page states the configured bonus, or nothing when it is 0.
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import RegisterView from '../auth/RegisterView.vue'
import { LANG_KEY } from '../i18n/store.js'
import { apiError, fakeApi } from '../testing/fakeApi.js'
import { errorMessage } from './errors.js'
import { HttpError, http } from './http.js'

const LIMITED = 'rate limit [limits] signup reached (5 per 1 hour): try again in 42 s'

function tooMany(retryAfter) {
  const answer = apiError(429, LIMITED)
  if (retryAfter !== undefined) answer.headers.set('Retry-After', retryAfter)
  return answer
}

async function caught(promise) {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('the request did not fail')
}

beforeEach(() => {
  localStorage.clear()
  document.body.innerHTML = ''
})

describe('a 429 answer', () => {
  it('carries its Retry-After and reads as a wait in English', async () => {
    localStorage.setItem(LANG_KEY, 'en')
    setActivePinia(createPinia())
    fakeApi({ 'POST /api/scripts/validate': () => tooMany('42') })
    const err = await caught(http.post('/api/scripts/validate', { content: 'x' }))
    expect(err).toBeInstanceOf(HttpError)
    expect([err.status, err.retryAfter]).toEqual([429, 42])
    expect(errorMessage(err)).toBe('Too many requests. Please try again in 42 seconds.')
  })

  it('reads as a wait in Chinese, in minutes when long', () => {
    localStorage.setItem(LANG_KEY, 'zh-cn')
    setActivePinia(createPinia())
    expect(errorMessage(new HttpError(429, LIMITED, null, 30))).toBe('请求过于频繁，请 30 秒后再试。')
    expect(errorMessage(new HttpError(429, LIMITED, null, 3600))).toBe('请求过于频繁，请 60 分钟后再试。')
  })

  it('says to try later when the server gives no wait', async () => {
    localStorage.setItem(LANG_KEY, 'en')
    setActivePinia(createPinia())
    fakeApi({ 'GET /api/voices': () => tooMany() })
    const err = await caught(http.get('/api/voices'))
    expect(err.retryAfter).toBeNull()
    expect(errorMessage(err)).toBe('Too many requests. Please try again later.')
  })
})

async function mountRegister() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/register', name: 'register', component: RegisterView },
      { path: '/login', name: 'login', component: { template: '<div />' } }],
  })
  router.push('/register')
  await router.isReady()
  const wrapper = mount({ template: '<router-view />' }, {
    global: { plugins: [createPinia(), router, ElementPlus] },
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}

describe('the sign-up page', () => {
  it('states the configured bonus', async () => {
    localStorage.setItem(LANG_KEY, 'en')
    fakeApi({ 'GET /api/credits/signup-bonus': { credits: 40 } })
    const wrapper = await mountRegister()
    expect(wrapper.find('[data-testid="signup-bonus"]').text()).toBe('New accounts start with 40 free credits.')
  })

  it('says nothing of a bonus when it is 0', async () => {
    localStorage.setItem(LANG_KEY, 'zh-cn')
    fakeApi({ 'GET /api/credits/signup-bonus': { credits: 0 } })
    const wrapper = await mountRegister()
    expect(wrapper.find('[data-testid="signup-bonus"]').exists()).toBe(false)
    expect(wrapper.text()).not.toContain('积分')
  })

  it('shows a refused sign-up as a wait in Chinese', async () => {
    localStorage.setItem(LANG_KEY, 'zh-cn')
    fakeApi({
      'GET /api/credits/signup-bonus': { credits: 100 },
      'POST /api/auth/register': () => tooMany('42'),
    })
    const wrapper = await mountRegister()
    await wrapper.find('input[data-testid="register-username"]').setValue('ada')
    await wrapper.find('input[data-testid="register-email"]').setValue('ada@example.org')
    await wrapper.find('input[data-testid="register-password"]').setValue('correct horse')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-testid="register-error"]').text()).toContain('请求过于频繁，请 42 秒后再试。')
  })
})
