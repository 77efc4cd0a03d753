// Tests for the credits store: history pages, purchases with an order id reused until it succeeds.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { TOKEN_KEY } from '../api/http.js'
import { useAuthStore } from '../auth/store.js'
import { apiError, fakeApi } from '../testing/fakeApi.js'
import { PAGE_SIZE, useCreditsStore } from './store.js'

describe('credits store', () => {
  beforeEach(() => {
    localStorage.setItem(TOKEN_KEY, 'jwt')
    setActivePinia(createPinia())
  })

  it('loads the page of transactions it shows', async () => {
    const fetchMock = fakeApi({
      'GET /api/credits/transactions': { items: [{ id: 'x', amount: 100 }], total: 45 },
    })
    const credits = useCreditsStore()
    await credits.load(2)
    const url = new URL(fetchMock.mock.calls[0][0], 'http://x')
    expect(url.searchParams.get('offset')).toBe(String(PAGE_SIZE))
    expect(credits.total).toBe(45)
  })

  it('retries a failed purchase with the same order id, then starts a new one', async () => {
    const orders = []
    let fail = true
    fakeApi({
      'POST /api/credits/purchase': ({ body }) => {
        orders.push(body.order_id)
        if (fail) return new Response(null, { status: 502 })
        return Response.json({ id: 'p', amount: body.amount, balance_after: 350 }, { status: 201 })
      },
      'GET /api/credits/transactions': { items: [], total: 0 },
      'GET /api/users/me': { id: 'u', credit_balance: 350 },
    })
    const credits = useCreditsStore()
    expect(await credits.purchase(250)).toBeNull()
    expect(credits.purchaseError).not.toBe('')
    fail = false
    const entry = await credits.purchase(250)
    expect(entry.amount).toBe(250)
    expect(orders[0]).toBe(orders[1])
    expect(credits.orderId).not.toBe(orders[0])
    expect(useAuthStore().balance).toBe(350)
  })

  it('shows why a purchase was refused', async () => {
    fakeApi({ 'POST /api/credits/purchase': apiError(422, 'amount: must be at most 100000') })
    const credits = useCreditsStore()
    await credits.purchase(1e9)
    expect(credits.purchaseError).toBe('amount: must be at most 100000')
  })
})
