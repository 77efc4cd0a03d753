// Tests for the render form: a select per speaker, the estimate, the 402 explanation.
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus, { ElSelect } from 'element-plus'
import { LANG_KEY } from '../i18n/store.js'
import { VOICES } from '../testing/voices.js'
import RenderForm from './RenderForm.vue'

function mountForm(props = {}) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<div />' } },
      { path: '/credits', name: 'credits', component: { template: '<div />' } },
    ],
  })
  return mount(RenderForm, {
    props: {
      speakers: ['daniu', 'yifan'],
      voices: VOICES,
      voiceConfig: { daniu: 'zh-cn-daniu', yifan: 'zh-cn-yifan' },
      estimate: { duration: 95, credits: 4 },
      balance: 100,
      language: 'zh',
      ...props,
    },
    global: { plugins: [createPinia(), router, ElementPlus] },
  })
}

describe('RenderForm', () => {
  beforeEach(() => localStorage.setItem(LANG_KEY, 'en'))

  it('has one voice select per speaker, showing the chosen voice', async () => {
    const wrapper = mountForm()
    await flushPromises()
    expect(wrapper.find('[data-testid="voice-select-daniu"]').text()).toContain('大牛')
    expect(wrapper.find('[data-testid="voice-select-yifan"]').text()).toContain('一帆')
  })

  it('reports the voice chosen for a speaker', async () => {
    const wrapper = mountForm()
    wrapper.findAllComponents(ElSelect)[1].vm.$emit('update:modelValue', 'en-us-sarah')
    expect(wrapper.emitted('choose')).toEqual([['yifan', 'en-us-sarah']])
  })

  it('shows the estimated duration and credits before submitting', () => {
    const estimate = mountForm().find('[data-testid="render-estimate"]').text()
    expect(estimate).toContain('Estimated duration: 1:35')
    expect(estimate).toContain('Credits needed: 4')
    expect(estimate).toContain('Your balance: 100')
  })

  it('explains a 402 with the shortfall and links to the credits page', () => {
    const wrapper = mountForm({
      balance: 1,
      error: { kind: 'credits', shortfall: 3, required: 4, balance: 1, message: 'not enough credits' },
    })
    const error = wrapper.find('[data-testid="render-error"]')
    expect(error.text()).toContain('you need 3 more credits')
    expect(error.find('a').attributes('href')).toBe('/credits')
  })

  it('shows any other refusal as the API worded it', () => {
    const wrapper = mountForm({ error: { kind: 'other', message: 'yifan: unknown voice' } })
    expect(wrapper.find('[data-testid="render-error"]').text()).toBe('yifan: unknown voice')
  })

  it('offers a preview only for voices that have one', () => {
    const withPreview = mountForm({ voiceConfig: { daniu: 'en-us-michael', yifan: 'zh-cn-yifan' } })
    expect(withPreview.findAll('[data-testid="voice-preview"]')).toHaveLength(1)
  })

  it('submits, and cannot while a speaker has no voice', async () => {
    const wrapper = mountForm()
    await wrapper.find('form').trigger('submit')
    expect(wrapper.emitted('submit')).toHaveLength(1)
    const notReady = mountForm({ ready: false })
    expect(notReady.find('[data-testid="render-submit"]').attributes('disabled')).toBeDefined()
  })
})
