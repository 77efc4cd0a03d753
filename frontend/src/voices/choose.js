// Rules for picking voices: which match a script's language, and the default voice per speaker.

/** Whether a voice's BCP 47 language (zh-CN, en-US) belongs to a base language (zh, en). */
export function matchesLanguage(voice, language) {
  if (!language) return true
  const base = String(language).toLowerCase().split('-')[0]
  return String(voice.language ?? '').toLowerCase().split('-')[0] === base
}

/**
 * Default voice_config for a script: a voice named after the speaker when there is one
 * (speaker "daniu" -> "zh-cn-daniu"), then distinct voices of the script's language in library
 * order; voices repeat only when the language has fewer voices than speakers. When no voice
 * speaks the language, the whole library is used. Voices whose provider is not configured on
 * the server (`available: false`) are never chosen.
 * @param {string[]} speakers speaker ids in order of appearance
 * @param {{voice_id: string, language: string}[]} voices
 * @param {string} [language] the validation report's language ("zh", "en")
 * @returns {Record<string, string>}
 */
export function defaultVoiceConfig(speakers, voices, language) {
  const usable = voices.filter((v) => v.available !== false)
  const matching = usable.filter((v) => matchesLanguage(v, language))
  const pool = matching.length ? matching : usable
  if (!pool.length) return {}
  const config = {}
  const used = new Set()
  for (const speaker of speakers) {
    const named = pool.find(
      (v) => !used.has(v.voice_id) && v.voice_id.toLowerCase().endsWith(`-${speaker.toLowerCase()}`),
    )
    if (named) {
      config[speaker] = named.voice_id
      used.add(named.voice_id)
    }
  }
  let next = 0
  for (const speaker of speakers) {
    if (config[speaker]) continue
    const free = pool.find((v) => !used.has(v.voice_id))
    const voice = free ?? pool[next++ % pool.length]
    config[speaker] = voice.voice_id
    used.add(voice.voice_id)
  }
  return config
}

/**
 * Voices grouped by their language code, groups sorted with `first` (a base language) on top.
 * @returns {{language: string, voices: object[]}[]}
 */
export function groupByLanguage(voices, first) {
  const groups = new Map()
  for (const voice of voices) {
    if (!groups.has(voice.language)) groups.set(voice.language, [])
    groups.get(voice.language).push(voice)
  }
  const rank = (code) => (first && matchesLanguage({ language: code }, first) ? 0 : 1)
  return [...groups.entries()]
    .map(([language, list]) => ({ language, voices: list }))
    .sort((a, b) => rank(a.language) - rank(b.language) || a.language.localeCompare(b.language))
}

/** "en-US" -> "English (United States)" in the interface language; the code when unknown. */
export function languageName(code, lang) {
  try {
    const names = new Intl.DisplayNames([lang === 'zh-cn' ? 'zh-CN' : 'en'], { type: 'language' })
    return names.of(code) ?? code
  } catch {
    return code
  }
}
