// Route guard for signed-in pages and the reaction to a 401: clear the session, back to sign-in.
import { TOKEN_KEY, setUnauthorizedHandler } from '../api/http.js'
import { useAuthStore } from './store.js'

/** Where to go after signing in: only same-site paths, never another origin. */
export function safeRedirect(target, fallback = '/scripts') {
  return typeof target === 'string' && target.startsWith('/') && !target.startsWith('//')
    ? target
    : fallback
}

/**
 * Global guard: pages with `meta.requiresAuth` need a token (else sign-in, remembering the page);
 * pages with `meta.guestOnly` (sign-in, register) send a signed-in user on.
 * The token is read from localStorage so the guard works before any store exists.
 * @type {import('vue-router').NavigationGuardWithThis<undefined>}
 */
export function authGuard(to) {
  const signedIn = Boolean(localStorage.getItem(TOKEN_KEY))
  if (to.meta.requiresAuth && !signedIn) {
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  if (to.meta.guestOnly && signedIn) return safeRedirect(to.query.redirect)
  return true
}

/**
 * Install the 401 reaction for this app: forget the session and, on a page that needs it,
 * go to sign-in with the page to come back to.
 * @param {import('vue-router').Router} router
 */
export function useSessionExpiry(router) {
  const auth = useAuthStore()
  setUnauthorizedHandler(() => {
    auth.clear()
    const current = router.currentRoute.value
    if (current.meta.requiresAuth) {
      router.replace({ name: 'login', query: { redirect: current.fullPath } })
    }
  })
}
