// API calls for the backend liveness check.
import { http } from '../api/http.js'

/** @returns {Promise<{status: string}>} */
export function fetchHealth() {
  return http.get('/healthz')
}
