// API calls for the credit ledger: history and purchases.
import { http } from '../api/http.js'

/** The credits a new account starts with: {credits} (no sign-in needed). */
export function signupBonus() {
  return http.get('/api/credits/signup-bonus')
}

export function listTransactions({ limit = 20, offset = 0 } = {}) {
  return http.get(`/api/credits/transactions?${new URLSearchParams({ limit, offset })}`)
}

/** @param {{amount: number, order_id: string}} body the same order_id again is not charged twice */
export function purchaseCredits(body) {
  return http.post('/api/credits/purchase', body)
}
