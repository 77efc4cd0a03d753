// Pinia store for the interface language: current choice, translation lookup, Element Plus locale.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import en from 'element-plus/es/locale/lang/en'
import { LANGS, messages } from './messages.js'

export const LANG_KEY = 'podforge.lang'
const EL_LOCALES = { 'zh-cn': zhCn, en }

function initialLang() {
  const saved = localStorage.getItem(LANG_KEY)
  if (LANGS.includes(saved)) return saved
  return navigator.language?.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en'
}

/** @param {object} table @param {string} key dotted path such as "nav.scripts" */
function lookup(table, key) {
  return key.split('.').reduce((node, part) => (node == null ? undefined : node[part]), table)
}

export const useLangStore = defineStore('lang', () => {
  const lang = ref(initialLang())
  const elLocale = computed(() => EL_LOCALES[lang.value])

  /**
   * The string for `key` in the current language (English, then the key, when missing),
   * with `{name}` placeholders filled from `params`.
   * @param {string} key @param {Record<string, unknown>} [params]
   */
  function t(key, params) {
    const text = lookup(messages[lang.value], key) ?? lookup(messages.en, key) ?? key
    if (!params || typeof text !== 'string') return text
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole))
  }

  /** @param {string} next */
  function setLang(next) {
    if (!LANGS.includes(next)) return
    lang.value = next
    localStorage.setItem(LANG_KEY, next)
  }

  return { lang, elLocale, t, setLang }
})
