// Tests for the session: sign-in stores the token, a 401 clears it and returns to sign-in.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { TOKEN_KEY, http, setUnauthorizedHandler } from '../api/http.js'
import { apiError, fakeApi } from '../testing/fakeApi.js'
import { authGuard, safeRedirect, useSessionExpiry } from './session.js'
import { useAuthStore } from './store.js'

const USER = { id: 'u1', username: 'ada', email: 'ada@example.com', credit_balance: 100, total_credit_purchased: 0 }

describe('auth store', () => {
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
  })
  afterEach(() => setUnauthorizedHandler(null))

  it('stores the token from login and loads the user with it', async () => {
    const fetchMock = fakeApi({
      'POST /api/auth/login': { access_token: 'jwt-1', token_type: 'bearer', expires_in: 3600 },
      'GET /api/users/me': USER,
    })
    const auth = useAuthStore()
    await auth.login('ada', 'correct horse')

    expect(localStorage.getItem(TOKEN_KEY)).toBe('jwt-1')
    expect(auth.token).toBe('jwt-1')
    expect(auth.isSignedIn).toBe(true)
    expect(auth.balance).toBe(100)
    expect(fetchMock.calls('POST /api/auth/login')[0][1].body).toBe(
      JSON.stringify({ username: 'ada', password: 'correct horse' }),
    )
    expect(fetchMock.calls('GET /api/users/me')[0][1].headers.Authorization).toBe('Bearer jwt-1')
  })

  it('keeps no token when the password is wrong', async () => {
    fakeApi({ 'POST /api/auth/login': apiError(401, 'wrong username or password') })
    const auth = useAuthStore()
    const err = await auth.login('ada', 'nope').catch((e) => e)
    expect(err.status).toBe(401)
    expect(localStorage.getItem(TOKEN_KEY)).toBeNull()
    expect(auth.isSignedIn).toBe(false)
  })

  it('registers, then signs in with the new account', async () => {
    const fetchMock = fakeApi({
      'POST /api/auth/register': USER,
      'POST /api/auth/login': { access_token: 'jwt-2', expires_in: 60 },
      'GET /api/users/me': USER,
    })
    const auth = useAuthStore()
    await auth.register({ username: 'ada', email: 'ada@example.com', password: 'long enough' })
    expect(fetchMock.calls('POST /api/auth/register')).toHaveLength(1)
    expect(auth.token).toBe('jwt-2')
    expect(auth.user.username).toBe('ada')
  })

  it('signs out by revoking the token on the server, then forgetting it', async () => {
    localStorage.setItem(TOKEN_KEY, 'jwt-3')
    const fetchMock = fakeApi({ 'POST /api/auth/logout': () => new Response(null, { status: 204 }) })
    const auth = useAuthStore()
    auth.user = USER
    await auth.logout()
    const [[, init]] = fetchMock.calls('POST /api/auth/logout')
    expect(init.headers.Authorization).toBe('Bearer jwt-3')
    expect(localStorage.getItem(TOKEN_KEY)).toBeNull()
    expect(auth.isSignedIn).toBe(false)
    expect(auth.user).toBeNull()
  })

  it('signs out locally even when the server cannot be reached', async () => {
    localStorage.setItem(TOKEN_KEY, 'jwt-4')
    fakeApi({ 'POST /api/auth/logout': () => Promise.reject(new TypeError('Failed to fetch')) })
    const auth = useAuthStore()
    await auth.logout()
    expect(localStorage.getItem(TOKEN_KEY)).toBeNull()
    expect(auth.isSignedIn).toBe(false)
  })

  it('keeps the new token after a password change', async () => {
    localStorage.setItem(TOKEN_KEY, 'jwt-5')
    fakeApi({ 'POST /api/users/me/password': { access_token: 'jwt-6', token_type: 'bearer', expires_in: 60 } })
    const auth = useAuthStore()
    await auth.changePassword('old password', 'new password!')
    expect(auth.token).toBe('jwt-6')
    expect(localStorage.getItem(TOKEN_KEY)).toBe('jwt-6')
  })

  it('clears the session on a 401 and sends the user to sign-in, remembering the page', async () => {
    localStorage.setItem(TOKEN_KEY, 'expired')
    fakeApi({ 'GET /api/tasks': apiError(401, 'token expired') })
    const Page = { template: '<div />' }
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/login', name: 'login', component: Page },
        { path: '/tasks', name: 'tasks', component: Page, meta: { requiresAuth: true } },
      ],
    })
    router.beforeEach(authGuard)
    await router.push('/tasks?status=failed')
    const auth = useAuthStore()
    auth.user = USER
    useSessionExpiry(router)

    await http.get('/api/tasks').catch(() => {})
    await flushPromises()

    expect(localStorage.getItem(TOKEN_KEY)).toBeNull()
    expect(auth.token).toBeNull()
    expect(auth.user).toBeNull()
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.redirect).toBe('/tasks?status=failed')
  })
})

describe('auth guard', () => {
  beforeEach(() => localStorage.clear())

  it('sends signed-out visitors of a private page to sign-in with the way back', () => {
    const to = { meta: { requiresAuth: true }, fullPath: '/credits', query: {} }
    expect(authGuard(to)).toEqual({ name: 'login', query: { redirect: '/credits' } })
    localStorage.setItem(TOKEN_KEY, 't')
    expect(authGuard(to)).toBe(true)
  })

  it('moves signed-in users past the sign-in page', () => {
    localStorage.setItem(TOKEN_KEY, 't')
    expect(authGuard({ meta: { guestOnly: true }, query: { redirect: '/tasks/1' } })).toBe('/tasks/1')
    expect(authGuard({ meta: { guestOnly: true }, query: {} })).toBe('/scripts')
  })

  it('never redirects to another site', () => {
    expect(safeRedirect('//evil.example/x')).toBe('/scripts')
    expect(safeRedirect('https://evil.example')).toBe('/scripts')
    expect(safeRedirect('/scripts/1')).toBe('/scripts/1')
  })
})
