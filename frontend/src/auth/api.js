// API calls for accounts: register, sign in and out, the current user, a new password.
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

/** Revoke the token this session holds, on the server: a copy of it stops working too. */
export function logout() {
  return http.post('/api/auth/logout')
}

/**
 * Change the password; every older token stops working and the answer carries a new one.
 * @param {{current_password: string, new_password: string}} body
 */
export function changePassword(body) {
  return http.post('/api/users/me/password', body)
}
