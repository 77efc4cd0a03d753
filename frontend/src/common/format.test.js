// Tests for the display formatting helpers.
import { describe, expect, it } from 'vitest'
import { formatBytes, formatDuration } from './format.js'

describe('format', () => {
  it('formats durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(75.4)).toBe('1:15')
    expect(formatDuration(3725)).toBe('1:02:05')
    expect(formatDuration(0)).toBe('0:00')
    expect(formatDuration(null)).toBeNull()
  })

  it('formats sizes with binary units', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB')
  })
})
