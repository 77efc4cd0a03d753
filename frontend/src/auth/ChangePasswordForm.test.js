// Tests for the change-password form: local checks, the new token kept, the API's refusals in words.
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import { TOKEN_KEY } from '../api/http.js'
import { LANG_KEY } from '../i18n/store.js'
import { apiError, fakeApi } from '../testing/fakeApi.js'
import ChangePasswordForm from './ChangePasswordForm.vue'
import { useAuthStore } from './store.js'

function mountForm() {
  return mount(ChangePasswordForm, { global: { plugins: [createPinia(), ElementPlus] } })
}

async function fill(wrapper, current, next, again = next) {
  await wrapper.find('[data-testid="password-current"]').setValue(current)
  await wrapper.find('[data-testid="password-new"]').setValue(next)
  await wrapper.find('[data-testid="password-again"]').setValue(again)
  await wrapper.find('[data-testid="password-form"]').trigger('submit')
  await flushPromises()
}

describe('ChangePasswordForm', () => {
  beforeEach(() => {
    localStorage.clear()
    localStorage.setItem(LANG_KEY, 'en')
    localStorage.setItem(TOKEN_KEY, 'old-jwt')
  })

  it('changes the password and keeps the new token for this session', async () => {
    const fetchMock = fakeApi({ 'POST /api/users/me/password': { access_token: 'new-jwt', token_type: 'bearer', expires_in: 60 } })
    const wrapper = mountForm()
    await fill(wrapper, 'the old one', 'a much longer one')
    const [[, init]] = fetchMock.calls('POST /api/users/me/password')
    expect(JSON.parse(init.body)).toEqual({ current_password: 'the old one', new_password: 'a much longer one' })
    expect(init.headers.Authorization).toBe('Bearer old-jwt')
    expect(localStorage.getItem(TOKEN_KEY)).toBe('new-jwt')
    expect(wrapper.find('[data-testid="password-changed"]').text()).toContain('Every other device has been signed out')
    expect(wrapper.find('[data-testid="password-current"]').element.value).toBe('')
  })

  it('checks the length and the repeat before asking the API', async () => {
    const fetchMock = fakeApi({})
    const wrapper = mountForm()
    await fill(wrapper, 'the old one', 'short')
    expect(wrapper.find('[data-testid="password-error"]').text()).toContain('at least 10 characters')
    await fill(wrapper, 'the old one', 'a much longer one', 'a much longer two')
    expect(wrapper.find('[data-testid="password-error"]').text()).toBe('The two new passwords differ.')
    expect(fetchMock).not.toHaveBeenCalled()
  })

  it('refuses a new password built on the username before asking the API', async () => {
    const fetchMock = fakeApi({})
    const pinia = createPinia()
    const wrapper = mount(ChangePasswordForm, { global: { plugins: [pinia, ElementPlus] } })
    useAuthStore(pinia).user = { username: 'ada-lovelace', email: 'countess@example.org' }
    await fill(wrapper, 'the old one', 'ada-lovelace rocks')
    expect(wrapper.find('[data-testid="password-error"]').text()).toBe('The password must not contain your username.')
    expect(fetchMock.calls('POST /api/users/me/password')).toHaveLength(0)
  })

  it('says so in the chosen language when the current password is wrong, and keeps the token', async () => {
    localStorage.setItem(LANG_KEY, 'zh-cn')
    fakeApi({
      'POST /api/users/me/password': () => apiError(422, "current_password is not the account's password"),
    })
    const wrapper = mountForm()
    await fill(wrapper, 'wrong', 'a much longer one')
    expect(wrapper.find('[data-testid="password-error"]').text()).toBe('当前密码不正确。')
    expect(localStorage.getItem(TOKEN_KEY)).toBe('old-jwt')
    expect(wrapper.find('[data-testid="password-changed"]').exists()).toBe(false)
  })

  it('lays out one column, labels above fields and a full-width button, as the sign-in card', () => {
    const wrapper = mountForm()
    expect(wrapper.find('[data-testid="password-submit"]').classes()).toContain('auth-submit')
    expect(wrapper.findAll('.el-form-item')).toHaveLength(3)
    expect(wrapper.find('.el-form').classes()).toContain('el-form--label-top')
  })
})
