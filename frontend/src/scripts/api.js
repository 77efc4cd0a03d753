// API calls for scripts: validate while typing, create, upload, list, read, edit.
import { http } from '../api/http.js'

/** @param {string} content @returns validation report (200 also when it finds errors) */
export function validateScript(content, options) {
  return http.post('/api/scripts/validate', { content }, options)
}

/** @param {{title?: string | null, content: string}} body */
export function createScript(body) {
  return http.post('/api/scripts', body)
}

/** @param {File} file a .md or .txt file @param {string} [title] */
export function uploadScript(file, title) {
  const form = new FormData()
  form.append('file', file)
  if (title) form.append('title', title)
  return http.post('/api/scripts/upload', form)
}

export function listScripts({ limit = 20, offset = 0 } = {}) {
  return http.get(`/api/scripts?${new URLSearchParams({ limit, offset })}`)
}

/** @param {string} id */
export function getScript(id) {
  return http.get(`/api/scripts/${encodeURIComponent(id)}`)
}

/** @param {string} id @param {{title?: string, content?: string}} body */
export function updateScript(id, body) {
  return http.put(`/api/scripts/${encodeURIComponent(id)}`, body)
}
