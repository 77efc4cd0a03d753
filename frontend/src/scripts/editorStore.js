// Pinia store for the script being edited: text, debounced validation, problems, saving.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { errorMessage } from '../api/errors.js'
import * as api from './api.js'
import { toProblemItems } from './problems.js'

/** Wait after the last keystroke before asking the API to validate. */
export const VALIDATE_DELAY_MS = 400

export const useScriptEditorStore = defineStore('scriptEditor', () => {
  const id = ref(/** @type {string | null} */ (null))
  const title = ref('')
  const content = ref('')
  /** The script as last loaded or saved, to tell unsaved edits. */
  const saved = ref(/** @type {object | null} */ (null))
  const report = ref(/** @type {object | null} */ (null))
  const validating = ref(false)
  const validateError = ref('')
  const saving = ref(false)
  const saveError = ref('')
  const loadError = ref('')

  let timer = null
  // Answers can arrive out of order: only the latest request may write the report.
  let sequence = 0

  const problems = computed(() => toProblemItems(report.value?.problems))
  const hasErrors = computed(() => problems.value.some((p) => p.severity === 'error'))
  const dirty = computed(() =>
    saved.value
      ? title.value !== saved.value.title || content.value !== saved.value.content
      : Boolean(title.value || content.value),
  )

  function cancelPending() {
    clearTimeout(timer)
    timer = null
  }

  /** Validate now; an empty text clears the report without a request. */
  async function validateNow() {
    cancelPending()
    const mine = ++sequence
    const text = content.value
    if (!text.trim()) {
      report.value = null
      validating.value = false
      return
    }
    validating.value = true
    try {
      const answer = await api.validateScript(text)
      if (mine === sequence) {
        report.value = answer
        validateError.value = ''
      }
    } catch (err) {
      if (mine === sequence) validateError.value = errorMessage(err)
    } finally {
      if (mine === sequence) validating.value = false
    }
  }

  /** Validate once typing pauses for VALIDATE_DELAY_MS. */
  function validateSoon() {
    cancelPending()
    timer = setTimeout(validateNow, VALIDATE_DELAY_MS)
  }

  /** @param {string} text */
  function setContent(text) {
    content.value = text
    validateSoon()
  }

  function apply(script) {
    id.value = script.id
    title.value = script.title
    content.value = script.content
    saved.value = script
  }

  function startNew() {
    cancelPending()
    sequence += 1
    id.value = null
    title.value = ''
    content.value = ''
    saved.value = null
    report.value = null
    validating.value = false
    validateError.value = saveError.value = loadError.value = ''
  }

  /** Open a saved script and validate it. */
  async function load(scriptId) {
    startNew()
    try {
      apply(await api.getScript(scriptId))
    } catch (err) {
      loadError.value = errorMessage(err)
      return
    }
    await validateNow()
  }

  /** Create or update; returns the saved script, or null with saveError set. */
  async function save() {
    saving.value = true
    saveError.value = ''
    const body = { content: content.value }
    if (title.value.trim()) body.title = title.value.trim()
    try {
      const script = id.value ? await api.updateScript(id.value, body) : await api.createScript(body)
      apply(script)
      return script
    } catch (err) {
      saveError.value = errorMessage(err)
      return null
    } finally {
      saving.value = false
    }
  }

  return {
    id, title, content, saved, report, validating, validateError, saving, saveError, loadError,
    problems, hasErrors, dirty,
    validateNow, validateSoon, setContent, startNew, load, save,
  }
})
