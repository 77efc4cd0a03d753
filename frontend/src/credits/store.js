// Pinia store for the credit history and purchases (each purchase keyed by its own order id).
import { defineStore } from 'pinia'
import { errorMessage } from '../api/errors.js'
import { useAuthStore } from '../auth/store.js'
import * as api from './api.js'

export const PAGE_SIZE = 20

/** A fresh order id; randomUUID needs a secure context, so there is a fallback. */
export function newOrderId() {
  const random = globalThis.crypto?.randomUUID?.()
  return `web-${random ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`}`
}

export const useCreditsStore = defineStore('credits', {
  state: () => ({
    /** @type {object[]} */
    items: [],
    total: 0,
    page: 1,
    loading: false,
    error: '',
    purchasing: false,
    purchaseError: '',
    /** Kept until a purchase succeeds, so a retry after a lost answer is not charged twice. */
    orderId: newOrderId(),
  }),
  actions: {
    async load(page = this.page) {
      this.loading = true
      this.error = ''
      try {
        const answer = await api.listTransactions({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
        this.items = answer.items
        this.total = answer.total
        this.page = page
      } catch (err) {
        this.error = errorMessage(err)
      } finally {
        this.loading = false
      }
    },

    /** Buy `amount` credits; returns the transaction, or null with purchaseError set. */
    async purchase(amount) {
      this.purchasing = true
      this.purchaseError = ''
      try {
        const entry = await api.purchaseCredits({ amount, order_id: this.orderId })
        this.orderId = newOrderId()
        await Promise.all([this.load(1), useAuthStore().refreshUser()])
        return entry
      } catch (err) {
        this.purchaseError = errorMessage(err)
        return null
      } finally {
        this.purchasing = false
      }
    },
  },
})
