// Tests for turning API error details into readable messages.
import { describe, expect, it } from 'vitest'
import { HttpError } from './http.js'
import { errorMessage } from './errors.js'

describe('errorMessage', () => {
  it('returns a detail string as it is', () => {
    expect(errorMessage(new HttpError(422, 'line 2: speaker tag without a name'))).toBe(
      'line 2: speaker tag without a name',
    )
  })

  it('joins FastAPI validation items with their field', () => {
    const detail = [
      { loc: ['body', 'email'], msg: 'value is not a valid email address' },
      { loc: ['body', 'password'], msg: 'String should have at least 8 characters' },
    ]
    expect(errorMessage(new HttpError(422, detail))).toBe(
      'email: value is not a valid email address; password: String should have at least 8 characters',
    )
  })

  it('falls back when there is nothing to show', () => {
    expect(errorMessage(null, 'Oops')).toBe('Oops')
  })
})
