// The "new conversation" form: speaker names as tags, checks before sending, the request body.

export const STYLES = /** @type {const} */ (['educational', 'casual', 'interview'])
export const MIN_SPEAKERS = 2
export const MAX_SPEAKERS = 8
export const MAX_SPEAKER_LENGTH = 40
/** Target length in minutes; the API takes 30 s to 4 h in seconds. */
export const MIN_MINUTES = 0.5
export const MAX_MINUTES = 240

export function emptyForm() {
  return { topic: '', style: 'educational', minutes: 5, speakers: [], language: 'auto', title: '' }
}

/**
 * The speakers after typing `text` (one name, or several separated by commas): trimmed, cut to
 * the length the API accepts, without repeats (any case) and at most MAX_SPEAKERS.
 * @param {string[]} speakers @param {string} text
 */
export function addSpeakers(speakers, text) {
  const next = [...speakers]
  for (const raw of String(text ?? '').split(/[,，、;；\n]/)) {
    const name = raw.trim().slice(0, MAX_SPEAKER_LENGTH)
    if (!name || next.length >= MAX_SPEAKERS) continue
    if (next.some((s) => s.toLowerCase() === name.toLowerCase())) continue
    next.push(name)
  }
  return next
}

/**
 * Problems to show before sending, as i18n keys per field (empty when the form can be sent).
 * @returns {Record<string, string>}
 */
export function checkForm(form) {
  const problems = {}
  if (!form.topic.trim()) problems.topic = 'studio.form.topicRequired'
  if (form.speakers.length < MIN_SPEAKERS) problems.speakers = 'studio.form.speakersTooFew'
  const minutes = Number(form.minutes)
  if (!Number.isFinite(minutes) || minutes < MIN_MINUTES || minutes > MAX_MINUTES) {
    problems.minutes = 'studio.form.durationRange'
  }
  return problems
}

/** The body of POST /api/conversations/create; "auto" language and an empty title are left out. */
export function toCreateBody(form) {
  const body = {
    topic: form.topic.trim(),
    style: form.style,
    target_duration: Math.round(Number(form.minutes) * 60),
    speakers: [...form.speakers],
  }
  if (form.language === 'zh' || form.language === 'en') body.language = form.language
  if (form.title.trim()) body.title = form.title.trim()
  return body
}
