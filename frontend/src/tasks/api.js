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

/**
 * A single-use ticket for the task's event stream, valid about a minute: EventSource cannot
 * send headers, and the access token must never sit in a URL (URLs end up in logs).
 * @param {string} id @returns {Promise<{ticket: string, expires_in: number}>}
 */
export function createEventsTicket(id) {
  return http.post(`/api/tasks/${encodeURIComponent(id)}/events/ticket`)
}

/** The Server-Sent Events URL, opened with a ticket from createEventsTicket. */
export function taskEventsUrl(id, ticket) {
  return `/api/tasks/${encodeURIComponent(id)}/events?${new URLSearchParams({ ticket })}`
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
