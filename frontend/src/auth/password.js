// The password rules the register form checks before the round trip. The API applies the same
// ones and also refuses the most common passwords, which only it has the list of.

export const MIN_PASSWORD = 10

/**
 * The first rule `password` breaks, as an i18n key with its parameters, or null.
 * @param {string} password
 * @param {{ username: string, email: string }} account
 * @returns {{ key: string, params?: object } | null}
 */
export function passwordProblem(password, { username, email }) {
  if (password.length < MIN_PASSWORD) return { key: 'auth.passwordTooShort', params: { n: MIN_PASSWORD } }
  const folded = password.toLowerCase()
  const names = [
    ['auth.passwordHasUsername', username.trim().toLowerCase()],
    ['auth.passwordHasEmail', email.trim().split('@')[0].toLowerCase()],
  ]
  for (const [key, name] of names) {
    // A name of one or two letters is in too many good passwords to refuse them all.
    if (name && (name === folded || (name.length >= 3 && folded.includes(name)))) return { key }
  }
  return null
}
