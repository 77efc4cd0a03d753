// Pinia store for the template gallery: the library, grouped by language and filtered, and
// turning a template into a script of the user's.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { errorMessage } from '../api/errors.js'
import * as api from './api.js'

export const LANGUAGE_FILTERS = /** @type {const} */ (['all', 'zh', 'en'])

export const useTemplatesStore = defineStore('templates', () => {
  const templates = ref(/** @type {object[]} */ ([]))
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref('')
  /** 'all', 'zh' or 'en' */
  const filter = ref('all')
  /** id of the template being turned into a script */
  const using = ref(/** @type {null | string} */ (null))
  const useError = ref('')

  const shown = computed(() =>
    filter.value === 'all' ? templates.value : templates.value.filter((t) => t.language === filter.value),
  )

  /**
   * The shown templates in one group per language, `first` (the interface's) on top.
   * @param {string} [first] 'zh' or 'en'
   */
  function groups(first) {
    const byLanguage = new Map()
    for (const template of shown.value) {
      if (!byLanguage.has(template.language)) byLanguage.set(template.language, [])
      byLanguage.get(template.language).push(template)
    }
    const rank = (language) => (language === first ? 0 : 1)
    return [...byLanguage.entries()]
      .map(([language, items]) => ({ language, items }))
      .sort((a, b) => rank(a.language) - rank(b.language) || a.language.localeCompare(b.language))
  }

  async function load() {
    loading.value = true
    error.value = ''
    try {
      templates.value = await api.listTemplates()
      loaded.value = true
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      loading.value = false
    }
  }

  /** @param {string} next one of LANGUAGE_FILTERS */
  function setFilter(next) {
    if (LANGUAGE_FILTERS.includes(next)) filter.value = next
  }

  /** Make a script from a template; returns it, or null with useError set. */
  async function use(id) {
    using.value = id
    useError.value = ''
    try {
      return await api.createScriptFromTemplate(id)
    } catch (err) {
      useError.value = errorMessage(err)
      return null
    } finally {
      using.value = null
    }
  }

  return { templates, loaded, loading, error, filter, using, useError, shown, groups, load, setFilter, use }
})
