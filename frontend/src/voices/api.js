// API calls for the voice library (public, no sign-in needed).
import { http } from '../api/http.js'

/** @param {string} [language] e.g. "zh" @returns {Promise<object[]>} */
export function listVoices(language) {
  const query = language ? `?${new URLSearchParams({ language })}` : ''
  return http.get(`/api/voices${query}`)
}
