// Pinia store for the open conversation: its messages, sending a round (streamed live, or whole
// when streaming fails), the latest draft and its quality, charges, finalize and resume.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { errorMessage } from '../api/errors.js'
import { useAuthStore } from '../auth/store.js'
import * as api from './api.js'
import { chargesByMessage, nextRoundPrice } from './billing.js'
import { extractDraft } from './draft.js'
import { describeFinalizeRefusal, describeStudioError } from './notices.js'
import { useStudioStore } from './studioStore.js'

const chatRoles = (list) => list.filter((m) => m.role === 'user' || m.role === 'assistant')
const repliesIn = (list) => list.filter((m) => m.role === 'assistant' && !m.streaming)

export const useConversationStore = defineStore('conversation', () => {
  const conversation = ref(/** @type {null | object} */ (null))
  /** user and assistant messages; while a round runs, a pending question and a streaming reply */
  const messages = ref(/** @type {object[]} */ ([]))
  /** The latest draft (Markdown) and its quality report; null quality: not checked here yet. */
  const draft = ref('')
  const quality = ref(/** @type {null | {ok: boolean, checks: object[]}} */ (null))
  /** credits_charged the API reported, by assistant message id */
  const reported = ref(/** @type {Record<string, number>} */ ({}))
  const lastCharge = ref(/** @type {null | number} */ (null))
  /** How the last round arrived: 'stream', 'plain' (stream failed, asked again) or 'recovered'. */
  const via = ref(/** @type {null | string} */ (null))
  const loading = ref(false)
  const loadError = ref('')
  const sending = ref(false)
  const notice = ref(/** @type {null | object} */ (null))
  const finalizing = ref(false)
  /** A finalize refused for quality: {reasons, canForce, detail}. */
  const refusal = ref(/** @type {null | object} */ (null))
  /** The script made by finalize in this visit. */
  const script = ref(/** @type {null | object} */ (null))
  const resuming = ref(false)

  let controller = null
  let openId = null
  let sequence = 0

  const active = computed(() => conversation.value?.status === 'active')
  const rounds = computed(() => repliesIn(messages.value).length)
  const charges = computed(() => chargesByMessage(messages.value, reported.value))
  const chargedSoFar = computed(() => Object.values(charges.value).reduce((sum, n) => sum + n, 0))
  const nextPrice = computed(() => nextRoundPrice(rounds.value + 1, chargedSoFar.value))
  const scriptId = computed(() => script.value?.id ?? conversation.value?.script_id ?? null)
  const hasDraft = computed(() => Boolean(draft.value.trim()))

  function clear() {
    conversation.value = null
    messages.value = []
    draft.value = ''
    quality.value = null
    reported.value = {}
    lastCharge.value = null
    via.value = null
    loadError.value = ''
    notice.value = null
    refusal.value = null
    script.value = null
  }

  /** Show a conversation from GET /api/conversations/{id}: its draft is the last reply's. */
  function applyDetail(detail) {
    const { messages: list = [], ...rest } = detail
    conversation.value = rest
    messages.value = chatRoles(list)
    const last = repliesIn(messages.value).at(-1)
    draft.value = last ? extractDraft(last.content) : ''
    quality.value = null
  }

  /** Stop streaming and ignore answers still on their way (leaving the page). */
  function stop() {
    controller?.abort()
    controller = null
    openId = null
    sending.value = false
  }

  async function open(id) {
    stop()
    clear()
    openId = id
    loading.value = true
    try {
      const detail = await api.getConversation(id)
      if (openId === id) applyDetail(detail)
    } catch (err) {
      if (openId === id) loadError.value = errorMessage(err)
    } finally {
      if (openId === id) loading.value = false
    }
  }

  function liveReply(replyId) {
    return messages.value.find((m) => m.id === replyId)
  }

  /**
   * The stream failed. The server records a round when the model has finished, so it may have
   * kept (and charged) this one: look before asking again. Returns a round result or null.
   */
  async function recover(id, before) {
    const detail = await api.getConversation(id)
    const replies = repliesIn(chatRoles(detail.messages ?? []))
    if (replies.length <= before) return null
    const message = replies.at(-1)
    return { message, script_preview: extractDraft(message.content), quality: null, credits_charged: null }
  }

  async function deliver(id, text, replyId, before, signal) {
    try {
      const result = await api.streamMessage(id, text, {
        signal,
        onDelta(piece) {
          const reply = liveReply(replyId)
          if (!reply || openId !== id) return
          reply.content += piece
          draft.value = extractDraft(reply.content, { partial: true })
        },
      })
      via.value = 'stream'
      return result
    } catch (err) {
      if (!(err instanceof api.StreamFailure)) throw err
    }
    const reply = liveReply(replyId)
    if (reply) reply.content = ''
    const recovered = await recover(id, before)
    if (recovered) {
      via.value = 'recovered'
      return recovered
    }
    const result = await api.sendMessage(id, text, { signal })
    via.value = 'plain'
    return result
  }

  function applyRound(result, questionId, replyId) {
    const message = result.message
    messages.value = messages.value.map((m) => {
      if (m.id === questionId) return { ...m, pending: false }
      return m.id === replyId ? message : m
    })
    draft.value = result.script_preview ?? extractDraft(message.content)
    quality.value = result.quality ?? null
    lastCharge.value = typeof result.credits_charged === 'number' ? result.credits_charged : null
    if (lastCharge.value !== null) reported.value = { ...reported.value, [message.id]: lastCharge.value }
    const c = conversation.value
    conversation.value = {
      ...c,
      message_count: (c.message_count ?? 0) + 2,
      total_tokens: (c.total_tokens ?? 0) + (message.metadata?.tokens ?? 0),
      updated_at: message.created_at ?? c.updated_at,
    }
  }

  /**
   * Send one message and get the model's draft: streamed into a live reply, or whole when
   * streaming fails. Returns true when the round was answered; else notice says why.
   * @param {string} content
   */
  async function send(content) {
    const text = String(content ?? '').trim()
    const id = conversation.value?.id
    if (!text || !id || sending.value) return false
    const studio = useStudioStore()
    sending.value = true
    notice.value = null
    refusal.value = null
    const before = rounds.value
    const kept = { draft: draft.value, quality: quality.value }
    const now = new Date().toISOString()
    sequence += 1
    const question = { id: `local-q${sequence}`, role: 'user', content: text, created_at: now, metadata: {}, pending: true }
    const reply = { id: `local-r${sequence}`, role: 'assistant', content: '', created_at: now, metadata: {}, streaming: true }
    messages.value = [...messages.value, question, reply]
    quality.value = null
    controller = new AbortController()
    const { signal } = controller
    try {
      const result = await deliver(id, text, reply.id, before, signal)
      if (openId !== id) return false
      applyRound(result, question.id, reply.id)
      studio.noteModel(null)
      useAuthStore().refreshUser().catch(() => {})
      return true
    } catch (err) {
      if (openId !== id) return false
      messages.value = messages.value.filter((m) => m.id !== question.id && m.id !== reply.id)
      draft.value = kept.draft
      quality.value = kept.quality
      if (err?.name === 'AbortError') return false
      notice.value = describeStudioError(err)
      studio.noteModel(notice.value)
      if (notice.value.kind === 'finished') refreshConversation(id)
      return false
    } finally {
      if (openId === id) {
        sending.value = false
        controller = null
      }
    }
  }

  /** Reload the conversation's own fields (its status changed elsewhere), keeping the chat. */
  async function refreshConversation(id) {
    try {
      const { messages: _ignored, ...rest } = await api.getConversation(id)
      if (openId === id) conversation.value = rest
    } catch {
      // The notice already says what to do.
    }
  }

  /**
   * Turn the latest draft into a script. A draft failing the quality check is refused (422)
   * unless force; refusal then lists the reasons. Returns the script, or null.
   */
  async function finalize({ force = false } = {}) {
    const id = conversation.value?.id
    if (!id || finalizing.value) return null
    finalizing.value = true
    notice.value = null
    refusal.value = null
    try {
      const made = await api.finalizeConversation(id, force ? { force: true } : {})
      if (openId !== id) return made
      script.value = made
      conversation.value = { ...conversation.value, status: 'completed', script_id: made.id }
      return made
    } catch (err) {
      if (openId !== id) return null
      if (err?.status === 422) refusal.value = describeFinalizeRefusal(err, quality.value)
      else notice.value = describeStudioError(err)
      return null
    } finally {
      finalizing.value = false
    }
  }

  /** Open a completed (or abandoned) conversation for more rounds. */
  async function resume() {
    const id = conversation.value?.id
    if (!id || resuming.value) return false
    resuming.value = true
    try {
      const updated = await api.resumeConversation(id)
      if (openId === id) {
        conversation.value = { ...conversation.value, ...updated }
        notice.value = null
      }
      return true
    } catch (err) {
      if (openId === id) notice.value = describeStudioError(err)
      return false
    } finally {
      resuming.value = false
    }
  }

  return {
    conversation, messages, draft, quality, lastCharge, via, loading, loadError, sending, notice,
    finalizing, refusal, script, resuming,
    active, rounds, charges, chargedSoFar, nextPrice, scriptId, hasDraft,
    open, stop, send, finalize, resume,
  }
})
