// Both interface languages must have the same strings with the same placeholders.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { messages } from './messages.js'
import { LANG_KEY, useLangStore } from './store.js'

/** "a.b.c" -> string for every leaf */
function flatten(node, prefix = '') {
  return Object.entries(node).flatMap(([key, value]) =>
    typeof value === 'object' ? flatten(value, `${prefix}${key}.`) : [[`${prefix}${key}`, value]],
  )
}
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('messages', () => {
  const en = Object.fromEntries(flatten(messages.en))
  const zh = Object.fromEntries(flatten(messages['zh-cn']))

  it('has every key in both languages', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort())
  })

  it('uses the same placeholders in both languages', () => {
    for (const key of Object.keys(en)) {
      expect([key, placeholders(zh[key])]).toEqual([key, placeholders(en[key])])
    }
  })
})

describe('t()', () => {
  beforeEach(() => {
    localStorage.setItem(LANG_KEY, 'en')
    setActivePinia(createPinia())
  })

  it('fills placeholders and leaves unknown ones alone', () => {
    const i18n = useLangStore()
    expect(i18n.t('render.needMore', { n: 30 })).toBe('Not enough credits: you need 30 more credits.')
    expect(i18n.t('scripts.lineMessage', { line: 4 })).toBe('line 4: {message}')
  })

  it('falls back to the key for a missing string', () => {
    expect(useLangStore().t('nope.missing')).toBe('nope.missing')
  })
})
