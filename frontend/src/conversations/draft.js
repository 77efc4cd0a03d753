// The script inside a model reply, as the server takes it: the fenced Markdown block, else all.

const FENCE = /```(?:markdown|md)?[^\S\n]*\n([\s\S]*?)```/
const OPEN_FENCE = /```(?:markdown|md)?[^\S\n]*\n([\s\S]*)$/

/**
 * @param {string} reply the assistant message
 * @param {{partial?: boolean}} [options] partial: the reply is still arriving, so an opened
 *   fence without its end already counts as the draft
 */
export function extractDraft(reply, { partial = false } = {}) {
  const text = reply ?? ''
  const fenced = FENCE.exec(text) ?? (partial ? OPEN_FENCE.exec(text) : null)
  const draft = (fenced ? fenced[1] : text).trim()
  return draft ? `${draft}\n` : ''
}
