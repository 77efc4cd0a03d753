// Pinia store for the voice library, loaded once and shared by the voices and render pages.
import { defineStore } from 'pinia'
import { errorMessage } from '../api/errors.js'
import { listVoices } from './api.js'

export const useVoicesStore = defineStore('voices', {
  state: () => ({
    /** @type {{voice_id: string, display_name: string, preview_url: string | null, language: string, category: string, gender: string, provider: string}[]} */
    voices: [],
    loaded: false,
    loading: false,
    error: '',
  }),
  getters: {
    byId: (state) => Object.fromEntries(state.voices.map((v) => [v.voice_id, v])),
  },
  actions: {
    /** Fetch the library unless it is already here (force to reload). */
    async load(force = false) {
      if (this.loaded && !force) return this.voices
      this.loading = true
      this.error = ''
      try {
        this.voices = await listVoices()
        this.loaded = true
      } catch (err) {
        this.error = errorMessage(err)
      } finally {
        this.loading = false
      }
      return this.voices
    },
  },
})
