// Task status rules shared by the stores and views.

export const STATUSES = ['pending', 'processing', 'completed', 'failed']
const FINAL = new Set(['completed', 'failed'])

/** @param {string} status */
export function isFinal(status) {
  return FINAL.has(status)
}

/** Element Plus tag type for a status. */
export function statusTagType(status) {
  return { pending: 'info', processing: 'primary', completed: 'success', failed: 'danger' }[status] ?? 'info'
}

/** The audio file of one format, or undefined. */
export function audioOf(task, format) {
  return task?.audio?.find((a) => a.format === format)
}

/** el-progress status for a task status ('' while running). */
export function progressStatus(status) {
  return { completed: 'success', failed: 'exception' }[status] ?? ''
}

/** A task's voice_config entry is a voice id or {voice_id, speed, ...}: the id either way. */
export function voiceIdOf(entry) {
  return typeof entry === 'string' ? entry : (entry?.voice_id ?? '')
}

/**
 * "daniu: 大牛, yifan: 一帆" from a voice_config, with display names when the library is known.
 * @param {Record<string, unknown>} voiceConfig @param {Record<string, {display_name: string}>} [byId]
 */
export function describeVoices(voiceConfig, byId = {}) {
  return Object.entries(voiceConfig ?? {})
    .map(([speaker, entry]) => {
      const id = voiceIdOf(entry)
      return `${speaker}: ${byId[id]?.display_name ?? id}`
    })
    .join(', ')
}
