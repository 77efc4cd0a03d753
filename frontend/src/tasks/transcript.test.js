// Tests for reading the WebVTT transcript and chapters, and for finding the cue being played.
import { describe, expect, it } from 'vitest'
import {
  activeIndex,
  formatClock,
  parseChapters,
  parseTimestamp,
  parseVtt,
  transcriptFileName,
  unescapeVtt,
} from './transcript.js'

// What the API serves (core/transcripts.py: to_vtt).
const VTT =
  'WEBVTT\n\n' +
  '00:00:00.000 --> 00:00:03.120\n<v Alice>Welcome back to the show.\n\n' +
  '00:00:03.400 --> 00:00:07.005\n<v Bob>Thanks, Alice. Let&apos;s start.\n\n'

describe('parseTimestamp', () => {
  it('reads hours, minutes, seconds and milliseconds', () => {
    expect(parseTimestamp('00:00:03.120')).toBe(3.12)
    expect(parseTimestamp('01:02:03.456')).toBe(3723.456)
    expect(parseTimestamp('12:34:56.789')).toBe(45296.789)
    expect(parseTimestamp('100:00:00.000')).toBe(360000)
  })

  it('takes the short form without hours', () => {
    expect(parseTimestamp('02:05.500')).toBe(125.5)
  })

  it('refuses what is not a timestamp', () => {
    for (const bad of ['', '1:2:3', '00:00:03,120', '00:61:00.000', 'abc', '00:00:03.12']) {
      expect([bad, parseTimestamp(bad)]).toEqual([bad, null])
    }
  })
})

describe('parseVtt', () => {
  it('gives one cue per turn with start, end, speaker and text', () => {
    expect(parseVtt(VTT)).toEqual([
      { index: 0, start: 0, end: 3.12, speaker: 'Alice', text: 'Welcome back to the show.' },
      { index: 1, start: 3.4, end: 7.005, speaker: 'Bob', text: "Thanks, Alice. Let's start." },
    ])
  })

  it('decodes escaped characters in speakers and text, once', () => {
    const vtt =
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n' +
      '<v Tom &amp; Jerry>1 &lt; 2 &amp;&amp; 3 &gt; 2, &lt;b&gt;not bold&lt;/b&gt;, &amp;lt; stays\n\n'
    const [cue] = parseVtt(vtt)
    expect(cue.speaker).toBe('Tom & Jerry')
    expect(cue.text).toBe('1 < 2 && 3 > 2, <b>not bold</b>, &lt; stays')
  })

  it('reads cues past the first hour', () => {
    const vtt = 'WEBVTT\n\n01:02:03.456 --> 10:00:00.001\n<v 大牛>大家好，欢迎回来。\n\n'
    expect(parseVtt(vtt)).toEqual([
      { index: 0, start: 3723.456, end: 36000.001, speaker: '大牛', text: '大家好，欢迎回来。' },
    ])
  })

  it('copes with CRLF, a BOM, cue identifiers, settings, notes, markup and multi-line text', () => {
    const vtt = [
      '\uFEFFWEBVTT - PodForge',
      '',
      'NOTE made by a test',
      '',
      'intro',
      '00:01.000 --> 00:02.500 align:start position:10%',
      '<v.loud Alice><b>Hi</b> <00:00:01.500>there</v>',
      'and welcome',
      '',
      '',
      '00:00:03.000 --> 00:00:04.000',
      '大牛: 大家好',
      '',
    ].join('\r\n')
    expect(parseVtt(vtt)).toEqual([
      { index: 0, start: 1, end: 2.5, speaker: 'Alice', text: 'Hi there\nand welcome' },
      { index: 1, start: 3, end: 4, speaker: '大牛', text: '大家好' },
    ])
  })

  it('leaves out blocks whose timings do not parse, and never throws', () => {
    const vtt = 'WEBVTT\n\n00:00:01,000 --> 00:00:02,000\n<v A>srt commas\n\n00:00:02.000 --> 00:00:03.000\n<v B>ok\n'
    expect(parseVtt(vtt).map((c) => c.speaker)).toEqual(['B'])
    expect(parseVtt('')).toEqual([])
    expect(parseVtt(null)).toEqual([])
    expect(parseVtt('WEBVTT\n\n')).toEqual([])
  })
})

describe('unescapeVtt', () => {
  it('decodes named and numeric references, and keeps unknown ones', () => {
    expect(unescapeVtt('&#60;&#x3E;&nbsp;&bogus;')).toBe('<>\u00a0&bogus;')
  })
})

describe('parseChapters', () => {
  it('reads Podcasting 2.0 chapters, in start order', () => {
    const data = {
      version: '1.2.0',
      chapters: [
        { startTime: 61.5, title: 'Queues' },
        { startTime: 0, title: 'Intro' },
      ],
    }
    expect(parseChapters(data)).toEqual([
      { start: 0, title: 'Intro' },
      { start: 61.5, title: 'Queues' },
    ])
  })

  it('gives an empty list for no chapters or a malformed answer', () => {
    expect(parseChapters({ version: '1.2.0', chapters: [] })).toEqual([])
    expect(parseChapters(null)).toEqual([])
    expect(parseChapters({ chapters: [{ title: 'no start' }, { startTime: 'x' }, null] })).toEqual([])
  })
})

describe('activeIndex', () => {
  const cues = parseVtt(VTT)

  it('is the last cue started, keeping it through the pause before the next', () => {
    expect(activeIndex(cues, 0)).toBe(0)
    expect(activeIndex(cues, 3.2)).toBe(0)
    expect(activeIndex(cues, 3.4)).toBe(1)
    expect(activeIndex(cues, 100)).toBe(1)
  })

  it('counts a seek that lands a hair before the start', () => {
    expect(activeIndex(cues, 3.39)).toBe(1)
  })

  it('is -1 before the first cue or with nothing to play', () => {
    expect(activeIndex([{ start: 2 }], 1)).toBe(-1)
    expect(activeIndex([], 5)).toBe(-1)
    expect(activeIndex(cues, NaN)).toBe(-1)
  })
})

describe('formatting', () => {
  it('shows start times as m:ss, rounded down, with hours when needed', () => {
    expect(formatClock(0)).toBe('0:00')
    expect(formatClock(3.999)).toBe('0:03')
    expect(formatClock(75.9)).toBe('1:15')
    expect(formatClock(3723.456)).toBe('1:02:03')
  })

  it('names downloads after the first 8 characters of the task id', () => {
    expect(transcriptFileName('1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809', 'srt')).toBe('podforge-1a2b3c4d.srt')
  })
})
