// Tests for ordering validation problems and finding a line's characters.
import { describe, expect, it } from 'vitest'
import { isScriptFile, lineRange, toProblemItems } from './problems.js'

describe('toProblemItems', () => {
  it('orders by line, errors before warnings, with unique keys', () => {
    const items = toProblemItems([
      { line: 7, severity: 'warning', message: 'long line' },
      { line: 2, severity: 'warning', message: 'no speaker' },
      { line: 2, severity: 'error', message: 'empty turn' },
    ])
    expect(items.map((p) => [p.line, p.severity, p.message])).toEqual([
      [2, 'error', 'empty turn'],
      [2, 'warning', 'no speaker'],
      [7, 'warning', 'long line'],
    ])
    expect(new Set(items.map((p) => p.key)).size).toBe(3)
  })

  it('treats a missing list as no problems', () => {
    expect(toProblemItems(undefined)).toEqual([])
  })
})

describe('lineRange', () => {
  const text = '# Title\n\n【大牛】你好\nlast'
  it('gives the offsets of a 1-based line', () => {
    const [start, end] = lineRange(text, 3)
    expect(text.slice(start, end)).toBe('【大牛】你好')
  })
  it('clamps lines past the end to the last line', () => {
    const [start, end] = lineRange(text, 99)
    expect(text.slice(start, end)).toBe('last')
  })
})

describe('isScriptFile', () => {
  it('accepts .md and .txt only', () => {
    expect(isScriptFile('episode.MD')).toBe(true)
    expect(isScriptFile('notes.txt')).toBe(true)
    expect(isScriptFile('cover.png')).toBe(false)
  })
})
