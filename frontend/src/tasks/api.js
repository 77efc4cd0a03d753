// API calls for render tasks: start, list, read, status, live events, cancel, transcripts and chapters.
import { http } from '../api/http.js'

/** @param {{script_id: string, voice_config: Record<string, string>}} body */
export function createTask(body) {
  return http.post('/api/tasks', body)
}

/** @param {{script_id?: string, status?: string, limit?: number, offset?: number}} [filters] */
export function listTasks({ script_id, status, limit = 20, offset = 0 } = {}) {
  const query = new URLSearchParams({ limit, offset })
  if (script_id) query.set('script_id', script_id)
  if (status) query.set('status', status)
  return http.get(`/api/tasks?${query}`)
}

/** @param {string} id */
export function getTask(id) {
  return http.get(`/api/tasks/${encodeURIComponent(id)}`)
}

/** @param {string} id @returns {Promise<{task_id: string, status: string, progress: number, error_message: string | null, audio: object[]}>} */
export function getTaskStatus(id) {
  return http.get(`/api/tasks/${encodeURIComponent(id)}/status`)
}

/** @param {string} id */
export function cancelTask(id) {
  return http.post(`/api/tasks/${encodeURIComponent(id)}/cancel`)
}

/** The Server-Sent Events URL; EventSource cannot send headers, so the token rides in the query. */
export function taskEventsUrl(id, token) {
  const query = token ? `?${new URLSearchParams({ access_token: token })}` : ''
  return `/api/tasks/${encodeURIComponent(id)}/events${query}`
}

/** WebVTT transcript of a completed task (one cue per turn); 404 until it has completed. */
export function getTranscriptVtt(id) {
  return http.getText(`/api/tasks/${encodeURIComponent(id)}/transcript.vtt`)
}

/** SRT transcript of a completed task; 404 until it has completed. */
export function getTranscriptSrt(id) {
  return http.getText(`/api/tasks/${encodeURIComponent(id)}/transcript.srt`)
}

/** @param {string} id @returns {Promise<{version: string, chapters: {startTime: number, title: string}[]}>} */
export function getChapters(id) {
  return http.get(`/api/tasks/${encodeURIComponent(id)}/chapters.json`)
}
