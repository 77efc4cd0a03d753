// API calls for the credit ledger: history and purchases.
import { http } from '../api/http.js'

export function listTransactions({ limit = 20, offset = 0 } = {}) {
  return http.get(`/api/credits/transactions?${new URLSearchParams({ limit, offset })}`)
}

/** @param {{amount: number, order_id: string}} body the same order_id again is not charged twice */
export function purchaseCredits(body) {
  return http.post('/api/credits/purchase', body)
}
