// Pinia store for the task being watched: live progress over SSE, polling when SSE fails, cancel;
// once completed, its transcript, chapters and transcript files.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { errorMessage } from '../api/errors.js'
import { useAuthStore } from '../auth/store.js'
import * as api from './api.js'
import { isFinal } from './status.js'
import { parseChapters, parseVtt } from './transcript.js'

/** How often to ask for the status when the event stream is not available. */
export const POLL_INTERVAL_MS = 3000

/**
 * The transcript of a completed task. `missing`: the API has none for this task (404, e.g. a
 * render from before transcripts); `error`: it could not be read. `srt` and `vtt` are the files
 * as served, for downloading ('' when not available).
 */
function emptyTranscript(taskId = null) {
  return { taskId, loading: false, cues: [], chapters: [], srt: '', vtt: '', missing: false, error: '' }
}

export const useTaskStore = defineStore('task', () => {
  const task = ref(/** @type {object | null} */ (null))
  /** Every task of the same script (the versions), newest first, this one included. */
  const versions = ref(/** @type {object[]} */ ([]))
  /** How progress arrives now: 'events', 'polling' or null when not following. */
  const channel = ref(/** @type {'events' | 'polling' | null} */ (null))
  const loading = ref(false)
  const error = ref('')
  const cancelling = ref(false)
  const transcript = ref(emptyTranscript())

  let source = null
  let pollTimer = null
  let followed = null // id of the task being followed; stale callbacks check it
  let follows = 0 // counts calls to follow(), so that only the latest opens a stream

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
      reload(id).then(() => {
        if (task.value?.id === id && task.value.status === 'completed') return loadTranscript(id)
      }),
      loadVersions(),
      auth.refreshUser().catch(() => {}),
    ])
  }

  /**
   * Load the transcript (WebVTT, parsed into cues), the SRT for downloading and the chapters of a
   * completed task. Each part may fail alone: no chapters or no SRT still shows the cues.
   */
  async function loadTranscript(id) {
    transcript.value = { ...emptyTranscript(id), loading: true }
    const [vtt, srt, chapters] = await Promise.allSettled([
      api.getTranscriptVtt(id),
      api.getTranscriptSrt(id),
      api.getChapters(id),
    ])
    // The page moved on to another task meanwhile.
    if (task.value?.id !== id || transcript.value.taskId !== id) return
    const next = emptyTranscript(id)
    if (vtt.status === 'fulfilled') {
      next.vtt = vtt.value
      next.cues = parseVtt(vtt.value)
    } else if (vtt.reason?.status === 404) {
      next.missing = true
    } else {
      next.error = errorMessage(vtt.reason)
    }
    if (srt.status === 'fulfilled') next.srt = srt.value
    if (chapters.status === 'fulfilled') next.chapters = parseChapters(chapters.value)
    transcript.value = next
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
  async function follow(id) {
    stop()
    followed = id
    const attempt = ++follows
    if (typeof EventSource === 'undefined') {
      startPolling(id)
      return
    }
    let ticket
    try {
      ticket = (await api.createEventsTicket(id)).ticket
    } catch {
      if (attempt === follows && followed === id) startPolling(id) // it reports a 401 or 404
      return
    }
    if (attempt !== follows || followed !== id) return // moved on while the ticket came
    const stream = new EventSource(api.taskEventsUrl(id, ticket))
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
    // EventSource would reconnect by itself (with a used ticket); polling is gentler and
    // survives proxies.
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
    transcript.value = emptyTranscript()
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
    if (task.value.status === 'completed') loadTranscript(id)
    else if (!isFinal(task.value.status)) await follow(id)
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

  return {
    task,
    versions,
    channel,
    loading,
    error,
    cancelling,
    transcript,
    open,
    follow,
    stop,
    cancel,
    loadTranscript,
  }
})
