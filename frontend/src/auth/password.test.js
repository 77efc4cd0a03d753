// Tests for the register form's password rules, in step with the API's.
import { describe, expect, it } from 'vitest'
import en from '../i18n/en.js'
import zhCn from '../i18n/zh-cn.js'
import { MIN_PASSWORD, passwordProblem } from './password.js'

const ACCOUNT = { username: 'ada-lovelace', email: 'countess@example.org' }

describe('password rules', () => {
  it('asks for at least ten characters', () => {
    expect(MIN_PASSWORD).toBe(10)
    expect(passwordProblem('nine char', ACCOUNT)).toEqual({ key: 'auth.passwordTooShort', params: { n: 10 } })
  })

  it('refuses a password built on the username or the email name, in any case', () => {
    expect(passwordProblem('my ADA-LOVELACE pass', ACCOUNT)).toEqual({ key: 'auth.passwordHasUsername' })
    expect(passwordProblem('the countess rules', ACCOUNT)).toEqual({ key: 'auth.passwordHasEmail' })
  })

  it('accepts a long password unrelated to the account', () => {
    expect(passwordProblem('correct horse battery', ACCOUNT)).toBeNull()
    expect(passwordProblem('a long password', { username: 'al', email: 'a@example.org' })).toBeNull()
  })

  it('has its messages in both languages', () => {
    for (const key of ['passwordTooShort', 'passwordHasUsername', 'passwordHasEmail', 'passwordHint']) {
      expect(en.auth[key]).toBeTruthy()
      expect(zhCn.auth[key]).toBeTruthy()
    }
  })
})
