// API calls for accounts: register, sign in, the current user.
import { http } from '../api/http.js'

/** @param {{username: string, email: string, password: string}} body */
export function register(body) {
  return http.post('/api/auth/register', body)
}

/** @param {{username: string, password: string}} body username may be the email */
export function login(body) {
  return http.post('/api/auth/login', body)
}

export function fetchMe() {
  return http.get('/api/users/me')
}
