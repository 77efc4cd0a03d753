// API calls for the template library: list (no sign-in needed), and a new script from one.
import { http } from '../api/http.js'

/** @param {'zh' | 'en'} [language] @returns {Promise<{id, title, topic, style, language, speakers, description}[]>} */
export function listTemplates(language) {
  return http.get(language ? `/api/templates?${new URLSearchParams({ language })}` : '/api/templates')
}

/** @param {string} id @returns the new script (source "template") */
export function createScriptFromTemplate(id) {
  return http.post(`/api/templates/${encodeURIComponent(id)}/scripts`)
}
