// Pinia store for the render page: the script, its language, one voice per speaker, submitting.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { errorMessage } from '../api/errors.js'
import { useAuthStore } from '../auth/store.js'
import { getScript, validateScript } from '../scripts/api.js'
import { defaultVoiceConfig } from '../voices/choose.js'
import { useVoicesStore } from '../voices/store.js'
import { createTask } from './api.js'

export const useRenderStore = defineStore('render', () => {
  const script = ref(/** @type {object | null} */ (null))
  /** "zh" or "en", from the validation report */
  const language = ref('')
  /** speaker id -> voice id */
  const voiceConfig = ref(/** @type {Record<string, string>} */ ({}))
  const loading = ref(false)
  const loadError = ref('')
  const submitting = ref(false)
  /** null, {kind: 'credits', required, balance, shortfall} for a 402, or {kind: 'other', message} */
  const submitError = ref(/** @type {null | object} */ (null))

  const speakers = computed(() => script.value?.speakers ?? [])
  const estimate = computed(() =>
    script.value
      ? { duration: script.value.estimated_duration, credits: script.value.estimated_credits }
      : null,
  )
  const ready = computed(
    () => speakers.value.length > 0 && speakers.value.every((s) => voiceConfig.value[s]),
  )

  /** Load the script, its language and the voices, and pick a default voice per speaker. */
  async function load(scriptId) {
    loading.value = true
    loadError.value = ''
    submitError.value = null
    script.value = null
    voiceConfig.value = {}
    const voices = useVoicesStore()
    try {
      const loaded = await getScript(scriptId)
      const [report] = await Promise.all([validateScript(loaded.content), voices.load()])
      if (voices.error) throw new Error(voices.error)
      script.value = loaded
      language.value = report.language
      voiceConfig.value = defaultVoiceConfig(loaded.speakers, voices.voices, report.language)
    } catch (err) {
      loadError.value = errorMessage(err)
    } finally {
      loading.value = false
    }
  }

  /** @param {string} speaker @param {string} voiceId */
  function chooseVoice(speaker, voiceId) {
    voiceConfig.value = { ...voiceConfig.value, [speaker]: voiceId }
  }

  /** Start the render; returns {task_id, status, credit_cost}, or null with submitError set. */
  async function submit() {
    if (!script.value) return null
    submitting.value = true
    submitError.value = null
    try {
      const created = await createTask({ script_id: script.value.id, voice_config: voiceConfig.value })
      useAuthStore().refreshUser().catch(() => {})
      return created
    } catch (err) {
      submitError.value = describeFailure(err)
      return null
    } finally {
      submitting.value = false
    }
  }

  return {
    script, language, voiceConfig, loading, loadError, submitting, submitError,
    speakers, estimate, ready, load, chooseVoice, submit,
  }
})

/** A 402 keeps its numbers so the page can say how many credits are missing. */
export function describeFailure(err) {
  if (err?.status === 402) {
    const body = err.body ?? {}
    const required = Number(body.required)
    const balance = Number(body.balance)
    const shortfall = Number.isFinite(Number(body.shortfall))
      ? Number(body.shortfall)
      : Math.max(0, required - balance)
    return { kind: 'credits', required, balance, shortfall, message: errorMessage(err) }
  }
  return { kind: 'other', message: errorMessage(err) }
}
