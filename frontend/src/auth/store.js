// Pinia store for the session: the JWT (kept in localStorage), the signed-in user and balance.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { TOKEN_KEY } from '../api/http.js'
import * as api from './api.js'

export const useAuthStore = defineStore('auth', () => {
  const token = ref(localStorage.getItem(TOKEN_KEY))
  /** @type {import('vue').Ref<null | {id: string, username: string, email: string, credit_balance: number, total_credit_purchased: number}>} */
  const user = ref(null)

  const isSignedIn = computed(() => Boolean(token.value))
  const balance = computed(() => user.value?.credit_balance ?? null)

  /** Sign in with a username or email; stores the token, then loads the user. */
  async function login(username, password) {
    const answer = await api.login({ username, password })
    keep(answer.access_token)
    await refreshUser()
  }

  /** Create the account, then sign in with it. */
  async function register({ username, email, password }) {
    await api.register({ username, email, password })
    await login(username, password)
  }

  /** Reload the user (after anything that moves credits); nothing when signed out. */
  async function refreshUser() {
    if (!token.value) return null
    user.value = await api.fetchMe()
    return user.value
  }

  /** Keep the token the API just issued (sign-in, a password change). */
  function keep(accessToken) {
    localStorage.setItem(TOKEN_KEY, accessToken)
    token.value = accessToken
  }

  /** Sign out: revoke the token on the server, then forget the session here, whatever the
   * server said (a session that cannot reach the API must still be able to sign out). */
  async function logout() {
    if (token.value) await api.logout().catch(() => {})
    clear()
  }

  /** Change the password; the other sessions end and this one goes on with a new token. */
  async function changePassword(currentPassword, newPassword) {
    const answer = await api.changePassword({ current_password: currentPassword, new_password: newPassword })
    keep(answer.access_token)
  }

  /** Forget the session locally (sign-out, or the API answered 401). */
  function clear() {
    localStorage.removeItem(TOKEN_KEY)
    token.value = null
    user.value = null
  }

  return { token, user, isSignedIn, balance, login, register, refreshUser, logout, changePassword, clear }
})
