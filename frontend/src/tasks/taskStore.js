// Pinia store for the task being watched: live progress over SSE, polling when SSE fails, cancel.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { errorMessage } from '../api/errors.js'
import { TOKEN_KEY } from '../api/http.js'
import { useAuthStore } from '../auth/store.js'
import * as api from './api.js'
import { isFinal } from './status.js'

/** How often to ask for the status when the event stream is not available. */
export const POLL_INTERVAL_MS = 3000

export const useTaskStore = defineStore('task', () => {
  const task = ref(/** @type {object | null} */ (null))
  /** Every task of the same script (the versions), newest first, this one included. */
  const versions = ref(/** @type {object[]} */ ([]))
  /** How progress arrives now: 'events', 'polling' or null when not following. */
  const channel = ref(/** @type {'events' | 'polling' | null} */ (null))
  const loading = ref(false)
  const error = ref('')
  const cancelling = ref(false)

  let source = null
  let pollTimer = null
  let followed = null // id of the task being followed; stale callbacks check it

  /** Merge a status object ({status, progress, error_message?, audio?}) into the task. */
  function applyStatus(id, update) {
    if (!task.value || task.value.id !== id) return
    const next = { ...task.value, status: update.status }
    // Progress never goes down, even if an older answer arrives late.
    if (typeof update.progress === 'number') next.progress = Math.max(task.value.progress ?? 0, update.progress)
    if ('error_message' in update) next.error_message = update.error_message
    if (update.audio?.length) next.audio = update.audio
    task.value = next
  }

  function closeSource() {
    if (source) {
      source.close()
      source = null
    }
  }

  /** Stop following (leaving the page, or the task ended). */
  function stop() {
    closeSource()
    clearTimeout(pollTimer)
    pollTimer = null
    followed = null
    channel.value = null
  }

  /** The task ended: reload it whole (audio, timings) and the balance (a failure refunds). */
  async function finish(id, update) {
    applyStatus(id, update)
    stop()
    const auth = useAuthStore()
    await Promise.all([
      reload(id),
      loadVersions(),
      auth.refreshUser().catch(() => {}),
    ])
  }

  async function reload(id) {
    try {
      const fresh = await api.getTask(id)
      if (task.value?.id === id) task.value = fresh
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  function schedulePoll(id) {
    clearTimeout(pollTimer)
    pollTimer = setTimeout(() => poll(id), POLL_INTERVAL_MS)
  }

  async function poll(id) {
    if (followed !== id) return
    try {
      const update = await api.getTaskStatus(id)
      if (followed !== id) return
      if (isFinal(update.status)) return finish(id, update)
      applyStatus(id, update)
    } catch (err) {
      if (followed !== id) return
      if (err?.status === 401 || err?.status === 404) {
        error.value = errorMessage(err)
        stop()
        return
      }
      // Anything else (network, 5xx) may pass: keep trying at the same pace.
    }
    schedulePoll(id)
  }

  function startPolling(id) {
    closeSource()
    channel.value = 'polling'
    poll(id)
  }

  /** Follow a running task: the event stream when the browser has one, else polling. */
  function follow(id) {
    stop()
    followed = id
    if (typeof EventSource === 'undefined') {
      startPolling(id)
      return
    }
    const stream = new EventSource(api.taskEventsUrl(id, localStorage.getItem(TOKEN_KEY)))
    source = stream
    channel.value = 'events'
    stream.addEventListener('progress', (event) => {
      if (source === stream) applyStatus(id, JSON.parse(event.data))
    })
    stream.addEventListener('end', (event) => {
      if (source !== stream) return
      closeSource()
      finish(id, JSON.parse(event.data))
    })
    // EventSource would reconnect by itself; polling is gentler and survives proxies.
    stream.addEventListener('error', () => {
      if (source === stream && followed === id) startPolling(id)
    })
  }

  async function loadVersions() {
    const scriptId = task.value?.script_id
    if (!scriptId) return
    try {
      const page = await api.listTasks({ script_id: scriptId, limit: 20 })
      if (task.value?.script_id === scriptId) versions.value = page.items
    } catch {
      // The versions are a convenience: the task itself is still shown.
    }
  }

  /** Show a task: load it, its versions, and follow it while it runs. */
  async function open(id) {
    stop()
    task.value = null
    versions.value = []
    error.value = ''
    loading.value = true
    try {
      task.value = await api.getTask(id)
    } catch (err) {
      error.value = errorMessage(err)
      return
    } finally {
      loading.value = false
    }
    loadVersions()
    if (!isFinal(task.value.status)) follow(id)
  }

  /** Cancel the running task; its held credits come back. */
  async function cancel() {
    const id = task.value?.id
    if (!id) return
    cancelling.value = true
    error.value = ''
    try {
      const cancelled = await api.cancelTask(id)
      stop()
      if (task.value?.id === id) task.value = cancelled
      await Promise.all([loadVersions(), useAuthStore().refreshUser().catch(() => {})])
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      cancelling.value = false
    }
  }

  return { task, versions, channel, loading, error, cancelling, open, follow, stop, cancel }
})
