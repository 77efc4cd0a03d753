// Tests for the problems list: "line N: message" per problem, severity tags, selecting a line.
import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import { LANG_KEY } from '../i18n/store.js'
import { toProblemItems } from './problems.js'
import ScriptProblems from './ScriptProblems.vue'

function mountProblems(props) {
  return mount(ScriptProblems, { props, global: { plugins: [createPinia(), ElementPlus] } })
}

const PROBLEMS = toProblemItems([
  { line: 9, severity: 'warning', message: 'the turn of yifan is very long' },
  { line: 2, severity: 'error', message: 'speaker tag without a name' },
])

describe('ScriptProblems', () => {
  beforeEach(() => localStorage.setItem(LANG_KEY, 'en'))

  it('lists each problem against its line, errors and warnings tagged', () => {
    const wrapper = mountProblems({ problems: PROBLEMS, checked: true })
    const items = wrapper.findAll('[data-testid="script-problem"]')
    expect(items.map((i) => i.find('.problem-text').text())).toEqual([
      'line 2: speaker tag without a name',
      'line 9: the turn of yifan is very long',
    ])
    expect(items[0].find('.el-tag').text()).toBe('Error')
    expect(items[0].find('.el-tag').classes()).toContain('el-tag--danger')
    expect(items[1].find('.el-tag').text()).toBe('Warning')
    expect(items[1].find('.el-tag').classes()).toContain('el-tag--warning')
  })

  it('asks to select the line of a clicked problem', async () => {
    const wrapper = mountProblems({ problems: PROBLEMS, checked: true })
    await wrapper.findAll('.problem-text')[1].trigger('click')
    expect(wrapper.emitted('select')).toEqual([[9]])
  })

  it('says so when a checked script has no problems', () => {
    const wrapper = mountProblems({ problems: [], checked: true })
    expect(wrapper.find('[data-testid="script-no-problems"]').text()).toBe('No problems found.')
  })

  it('speaks Chinese too', () => {
    localStorage.setItem(LANG_KEY, 'zh-cn')
    const wrapper = mountProblems({ problems: PROBLEMS, checked: true })
    expect(wrapper.find('.problem-text').text()).toBe('第 2 行：speaker tag without a name')
    expect(wrapper.find('.el-tag').text()).toBe('错误')
  })
})
