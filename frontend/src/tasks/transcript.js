// Transcript and chapters of a completed task: WebVTT parsing, chapter list, the cue being played.

/** Seeking to a cue's start may land a hair before it: still count that cue as playing. */
const START_TOLERANCE = 0.05

/** "00:01:02.345" or "01:02.345" (hours optional in WebVTT). */
const TIMESTAMP = /^(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})$/
const TIMING = /^(\S+)[ \t]+-->[ \t]+(\S+)/
const VOICE = /^<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>/
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', lrm: '\u200e', rlm: '\u200f' }

/**
 * A WebVTT timestamp in seconds, or null when it is not one.
 * @param {string} text "HH:MM:SS.mmm" or "MM:SS.mmm"
 */
export function parseTimestamp(text) {
  const match = TIMESTAMP.exec(String(text).trim())
  if (!match) return null
  const [, h = '0', m, s, ms] = match
  return (((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(ms)) / 1000
}

/** Character references back to characters, in one pass ("&amp;lt;" is the text "&lt;"). */
export function unescapeVtt(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return ENTITIES[name.toLowerCase()] ?? whole
  })
}

/** Markup out (tags, inline timestamps), then the references decoded. */
function plainText(payload) {
  return unescapeVtt(payload.replace(/<[^>]*>/g, '')).trim()
}

/** The speaker from `<v Name>` or, failing that, a "Name: " prefix; and the text. */
function splitSpeaker(payload) {
  const voice = VOICE.exec(payload)
  if (voice) return { speaker: plainText(voice[1] ?? ''), text: plainText(payload.slice(voice[0].length)) }
  const text = plainText(payload)
  const prefix = /^([^:：\n]{1,40})[:：][ \t]*/.exec(text)
  if (prefix) return { speaker: prefix[1].trim(), text: text.slice(prefix[0].length) }
  return { speaker: '', text }
}

/**
 * @typedef {{index: number, start: number, end: number, speaker: string, text: string}} Cue
 */

/**
 * The cues of a WebVTT file, in file order; blocks that are not cues (header, NOTE, STYLE,
 * REGION) or whose timings do not parse are left out. Never throws.
 * @param {string} vtt
 * @returns {Cue[]}
 */
export function parseVtt(vtt) {
  const text = String(vtt ?? '').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const cues = []
  for (const block of text.split(/\n(?:[ \t]*\n)+/)) {
    const lines = block.replace(/^\n+/, '').split('\n')
    // The timing line is the first line, or the second after a cue identifier.
    const at = lines.slice(0, 2).findIndex((line) => line.includes('-->'))
    if (at < 0) continue
    const timing = TIMING.exec(lines[at].trim())
    if (!timing) continue
    const start = parseTimestamp(timing[1])
    const end = parseTimestamp(timing[2])
    if (start === null || end === null) continue
    const payload = lines.slice(at + 1).join('\n').trim()
    cues.push({ index: cues.length, start, end, ...splitSpeaker(payload) })
  }
  return cues
}

/**
 * Podcasting 2.0 chapters.json as [{start, title}] by start time; anything malformed is left out.
 * @param {unknown} data
 * @returns {{start: number, title: string}[]}
 */
export function parseChapters(data) {
  const list = Array.isArray(data?.chapters) ? data.chapters : []
  return list
    .filter((c) => typeof c?.startTime === 'number' && Number.isFinite(c.startTime))
    .map((c) => ({ start: Math.max(0, c.startTime), title: String(c.title ?? '') }))
    .sort((a, b) => a.start - b.start)
}

/**
 * Index of the item (cue or chapter, sorted by start) being played at `time`: the last one
 * started, so a pause between two turns keeps the one before; -1 before the first.
 * @param {{start: number}[]} items @param {number} time seconds
 */
export function activeIndex(items, time) {
  if (!Number.isFinite(time)) return -1
  let found = -1
  for (let i = 0; i < items.length; i += 1) {
    if (items[i].start <= time + START_TOLERANCE) found = i
    else break
  }
  return found
}

/** A start time, rounded down: 75.9 -> "1:15", 3725 -> "1:02:05". */
export function formatClock(seconds) {
  const total = Math.max(0, Math.floor(Number(seconds) || 0))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** "podforge-1a2b3c4d.srt" for a task id and an extension. */
export function transcriptFileName(taskId, ext) {
  return `podforge-${String(taskId).slice(0, 8)}.${ext}`
}
