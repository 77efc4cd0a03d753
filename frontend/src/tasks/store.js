// Pinia store for the task list: one page at a time, optionally filtered by status.
import { defineStore } from 'pinia'
import { errorMessage } from '../api/errors.js'
import { listScripts } from '../scripts/api.js'
import * as api from './api.js'

export const PAGE_SIZE = 20

export const useTasksStore = defineStore('tasks', {
  state: () => ({
    /** @type {object[]} */
    items: [],
    total: 0,
    page: 1,
    /** a task status, or 'all' */
    status: 'all',
    loading: false,
    error: '',
    /** script id -> title, to name the script of each task */
    scriptTitles: {},
  }),
  actions: {
    async load(page = this.page) {
      this.loading = true
      this.error = ''
      try {
        const answer = await api.listTasks({
          status: this.status === 'all' ? undefined : this.status,
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        })
        this.items = answer.items
        this.total = answer.total
        this.page = page
        await this.loadTitles()
      } catch (err) {
        this.error = errorMessage(err)
      } finally {
        this.loading = false
      }
    },

    /** Titles of the scripts the listed tasks render (the newest hundred scripts). */
    async loadTitles() {
      if (this.items.every((t) => t.script_id in this.scriptTitles)) return
      try {
        const page = await listScripts({ limit: 100 })
        this.scriptTitles = Object.fromEntries(page.items.map((s) => [s.id, s.title]))
      } catch {
        // Titles are a convenience; the list still shows the ids.
      }
    },

    /** @param {string} status a task status, or 'all' */
    filterBy(status) {
      this.status = status
      return this.load(1)
    },
  },
})
