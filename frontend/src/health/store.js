// Pinia store holding whether the backend API answers its health check.
import { defineStore } from 'pinia'
import { fetchHealth } from './api.js'

export const useHealthStore = defineStore('health', {
  state: () => ({
    /** @type {'unknown' | 'checking' | 'up' | 'down'} */
    status: 'unknown',
    /** @type {string | null} */
    error: null,
    /** @type {Date | null} */
    checkedAt: null,
  }),
  actions: {
    async check() {
      this.status = 'checking'
      this.error = null
      try {
        const body = await fetchHealth()
        if (body?.status === 'ok') {
          this.status = 'up'
        } else {
          this.status = 'down'
          this.error = `Unexpected answer: ${JSON.stringify(body)}`
        }
      } catch (err) {
        this.status = 'down'
        this.error = err?.message || String(err)
      } finally {
        this.checkedAt = new Date()
      }
    },
  },
})
