// Pinia store for the AI studio page: the user's conversations a page at a time, starting a new
// one, and whether the server has a model at all (a 503 seen anywhere in the studio).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { errorMessage } from '../api/errors.js'
import * as api from './api.js'
import { describeStudioError } from './notices.js'

export const PAGE_SIZE = 20

export const useStudioStore = defineStore('studio', () => {
  const items = ref(/** @type {object[]} */ ([]))
  const total = ref(0)
  const page = ref(1)
  const loading = ref(false)
  const error = ref('')
  const creating = ref(false)
  /** Why the last create failed: a notice from describeStudioError, or null. */
  const createNotice = ref(/** @type {null | object} */ (null))
  /** The 503 notice once the server said it has no model; cleared when a model call works. */
  const noModel = ref(/** @type {null | object} */ (null))

  /** Load one page (1-based); keeps the current page when none is given. */
  async function load(at = page.value) {
    loading.value = true
    error.value = ''
    try {
      const answer = await api.listConversations({ limit: PAGE_SIZE, offset: (at - 1) * PAGE_SIZE })
      items.value = answer.items
      total.value = answer.total
      page.value = at
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      loading.value = false
    }
  }

  /** Remember (or forget, with null) what the last studio request said about the model. */
  function noteModel(notice) {
    if (notice === null) noModel.value = null
    else if (notice?.kind === 'no-llm') noModel.value = notice
  }

  /** Start a conversation; returns it, or null with createNotice set. */
  async function create(body) {
    creating.value = true
    createNotice.value = null
    try {
      const conversation = await api.createConversation(body)
      noteModel(null)
      items.value = [conversation, ...items.value.filter((c) => c.id !== conversation.id)]
      total.value += 1
      return conversation
    } catch (err) {
      createNotice.value = describeStudioError(err)
      noteModel(createNotice.value)
      return null
    } finally {
      creating.value = false
    }
  }

  return { items, total, page, loading, error, creating, createNotice, noModel, load, create, noteModel }
})
