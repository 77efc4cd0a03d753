// Pinia store for the list of the user's scripts: one page at a time, plus uploads.
import { defineStore } from 'pinia'
import { errorMessage } from '../api/errors.js'
import * as api from './api.js'

export const PAGE_SIZE = 20

export const useScriptsStore = defineStore('scripts', {
  state: () => ({
    /** @type {object[]} */
    items: [],
    total: 0,
    page: 1,
    loading: false,
    error: '',
  }),
  actions: {
    /** Load one page (1-based); keeps the current page when none is given. */
    async load(page = this.page) {
      this.loading = true
      this.error = ''
      try {
        const answer = await api.listScripts({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
        this.items = answer.items
        this.total = answer.total
        this.page = page
      } catch (err) {
        this.error = errorMessage(err)
      } finally {
        this.loading = false
      }
    },

    /** Create a script from a .md/.txt file; throws the API's error (422 names the line). */
    async upload(file, title) {
      const script = await api.uploadScript(file, title)
      this.items = [script, ...this.items.filter((s) => s.id !== script.id)]
      this.total += 1
      return script
    },
  },
})
