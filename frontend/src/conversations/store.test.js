// Tests for the open conversation: streamed rounds (pieces split anywhere), falling back to the
// plain call, recovering a round the server kept, failures as notices, finalize and resume.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { TOKEN_KEY } from '../api/http.js'
import { CONVERSATION } from '../testing/conversation.js'
import { apiError, fakeApi } from '../testing/fakeApi.js'
import { sseEvent, sseFeed, sseResponse } from '../testing/sse.js'
import { useConversationStore } from './store.js'
import { useStudioStore } from './studioStore.js'

const DRAFT = '# Green tea\n\n**Alice:** Leaves first.\n**Bob:** Then heat.\n'
const QUALITY = {
  ok: true,
  checks: [
    { name: 'parses', ok: true, message: 'the script parses' },
    { name: 'length', ok: true, message: '40 characters for a target of about 40 (within 25%)' },
  ],
}

function reply(round, overrides = {}) {
  return {
    id: `m${round}`,
    role: 'assistant',
    content: DRAFT,
    created_at: '2026-01-01T10:01:00Z',
    metadata: { model: 'local', tokens: 1500, cost: 0, latency: 0.2, round },
    ...overrides,
  }
}
const question = (n, content = 'Write it') => ({ id: `q${n}`, role: 'user', content, created_at: '2026-01-01T10:00:30Z', metadata: {} })

function round(n = 1, overrides = {}) {
  return { message: reply(n), script_preview: DRAFT, quality: QUALITY, credits_charged: 10, ...overrides }
}

/** The chunks of a streamed round, cut in awkward places: mid-event, mid-CRLF, mid-JSON. */
function streamedRound(result = round()) {
  const text =
    ': ping\r\n\r\n' +
    sseEvent('delta', { text: '# Green tea\n\n**Alice:** Leaves' }) +
    sseEvent('delta', { text: ' first.\n**Bob:** Then heat.\n' }) +
    sseEvent('done', result)
  return [text.slice(0, 7), text.slice(7, 40), text.slice(40, 41), text.slice(41, 130), text.slice(130)]
}

describe('conversation store', () => {
  let detail

  beforeEach(() => {
    setActivePinia(createPinia())
    localStorage.clear()
    localStorage.setItem(TOKEN_KEY, 'jwt')
    detail = { ...CONVERSATION, messages: [] }
  })

  function api(routes = {}) {
    return fakeApi({
      'GET /api/conversations/c1': () => detail,
      'GET /api/users/me': { id: 'u', username: 'ada', credit_balance: 90 },
      ...routes,
    })
  }

  async function opened(routes) {
    const fetchMock = api(routes)
    const store = useConversationStore()
    await store.open('c1')
    return { store, fetchMock }
  }

  const streamCalls = (fetchMock) =>
    fetchMock.calls('POST /api/conversations/c1/messages').filter(([url]) => String(url).includes('stream=true'))
  const plainCalls = (fetchMock) =>
    fetchMock.calls('POST /api/conversations/c1/messages').filter(([url]) => !String(url).includes('stream=true'))

  it('opens a conversation with its messages, its last draft and the charges of past rounds', async () => {
    detail = {
      ...CONVERSATION,
      message_count: 8,
      messages: [
        { id: 's', role: 'system', content: 'You write podcasts', created_at: '', metadata: {} },
        question(1), reply(1, { content: 'Here you go:\n```markdown\n# Old\n```' }),
        question(2), reply(2),
        question(3), reply(3),
        question(4), reply(4, { content: 'Shorter:\n```markdown\n# Short\n\n**Alice:** Hi.\n```\nDone.', metadata: { tokens: 2001, round: 4 } }),
      ],
    }
    const { store } = await opened()
    expect(store.conversation.title).toBe('Green tea')
    expect(store.conversation).not.toHaveProperty('messages')
    expect(store.messages.map((m) => m.id)).toEqual(['q1', 'm1', 'q2', 'm2', 'q3', 'm3', 'q4', 'm4'])
    expect(store.draft).toBe('# Short\n\n**Alice:** Hi.\n')
    expect(store.quality).toBeNull()
    expect(store.charges).toEqual({ m1: 10, m2: 0, m3: 0, m4: 3 })
    expect(store.chargedSoFar).toBe(13)
    expect(store.nextPrice).toEqual({ kind: 'tokens' })
  })

  it('streams a round: pieces grow the reply live, then the answer replaces it', async () => {
    const feed = sseFeed()
    const { store, fetchMock } = await opened({ 'POST /api/conversations/c1/messages': () => feed.response })
    const sent = store.send('  Write it  ')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(store.sending).toBe(true)
    expect(store.messages.map((m) => [m.role, m.content])).toEqual([['user', 'Write it'], ['assistant', '']])
    expect(store.messages[1].streaming).toBe(true)

    const text = sseEvent('delta', { text: '# Green tea\n\n**Alice:** Lea' })
    feed.push(text.slice(0, 20))
    feed.push(text.slice(20))
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(store.messages[1].content).toBe('# Green tea\n\n**Alice:** Lea')
    expect(store.draft).toBe('# Green tea\n\n**Alice:** Lea\n')

    feed.push(sseEvent('delta', { text: 'ves first.\n**Bob:** Then heat.\n' }) + sseEvent('done', round()))
    feed.close()
    expect(await sent).toBe(true)

    const [[url, init]] = streamCalls(fetchMock)
    expect(url).toBe('/api/conversations/c1/messages?stream=true')
    expect(JSON.parse(init.body)).toEqual({ content: 'Write it' })
    expect(init.headers.Accept).toBe('text/event-stream')
    expect(init.headers.Authorization).toBe('Bearer jwt')
    expect(store.via).toBe('stream')
    expect(store.sending).toBe(false)
    expect(store.messages.map((m) => m.id)).toEqual([expect.stringMatching(/^local-/), 'm1'])
    expect(store.messages[0].pending).toBe(false)
    expect(store.draft).toBe(DRAFT)
    expect(store.quality).toEqual(QUALITY)
    expect(store.lastCharge).toBe(10)
    expect(store.charges).toEqual({ m1: 10 })
    expect(store.conversation.message_count).toBe(2)
    expect(plainCalls(fetchMock)).toHaveLength(0)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(fetchMock.calls('GET /api/users/me')).toHaveLength(1)
  })

  it('reads a stream cut in awkward places the same way', async () => {
    const { store } = await opened({ 'POST /api/conversations/c1/messages': () => sseResponse(streamedRound()) })
    expect(await store.send('Write it')).toBe(true)
    expect(store.messages.at(-1)).toEqual(reply(1))
    expect(store.quality.ok).toBe(true)
  })

  it('takes the charge the API reports over the rule', async () => {
    const { store } = await opened({
      'POST /api/conversations/c1/messages': () => sseResponse(streamedRound(round(1, { credits_charged: 7 }))),
    })
    await store.send('Write it')
    expect(store.charges).toEqual({ m1: 7 })
    expect(store.chargedSoFar).toBe(7)
  })

  it('asks again without streaming when the answer is not a stream', async () => {
    const { store, fetchMock } = await opened({
      'POST /api/conversations/c1/messages': ({ url }) =>
        url.searchParams.get('stream') ? new Response('<html>proxy page</html>', { headers: { 'Content-Type': 'text/html' } }) : round(),
    })
    expect(await store.send('Write it')).toBe(true)
    expect(streamCalls(fetchMock)).toHaveLength(1)
    expect(plainCalls(fetchMock)).toHaveLength(1)
    expect(JSON.parse(plainCalls(fetchMock)[0][1].body)).toEqual({ content: 'Write it' })
    expect(store.via).toBe('plain')
    expect(store.messages.at(-1).id).toBe('m1')
    expect(store.quality).toEqual(QUALITY)
  })

  it('asks again without streaming when the stream breaks and the server kept nothing', async () => {
    const { store, fetchMock } = await opened({
      'POST /api/conversations/c1/messages': ({ url }) => {
        if (!url.searchParams.get('stream')) return round()
        const feed = sseFeed()
        feed.push(sseEvent('delta', { text: '# Green' }))
        feed.fail(new TypeError('network error'))
        return feed.response
      },
    })
    expect(await store.send('Write it')).toBe(true)
    // It looked first: a round kept by the server must not be asked (and charged) twice.
    expect(fetchMock.calls('GET /api/conversations/c1')).toHaveLength(2)
    expect(plainCalls(fetchMock)).toHaveLength(1)
    expect(store.via).toBe('plain')
    expect(store.messages.map((m) => m.content)).toEqual(['Write it', DRAFT])
  })

  it('asks again without streaming when the stream ends without its answer', async () => {
    const { store, fetchMock } = await opened({
      'POST /api/conversations/c1/messages': ({ url }) =>
        url.searchParams.get('stream') ? sseResponse([sseEvent('delta', { text: '# Gr' })]) : round(),
    })
    expect(await store.send('Write it')).toBe(true)
    expect(plainCalls(fetchMock)).toHaveLength(1)
    expect(store.messages.at(-1).content).toBe(DRAFT)
  })

  it('keeps the round the server recorded when the stream broke at the end', async () => {
    const { store, fetchMock } = await opened({
      'POST /api/conversations/c1/messages': () => {
        const feed = sseFeed()
        feed.push(sseEvent('delta', { text: DRAFT }))
        // The server finishes the round after the connection is lost.
        detail = { ...CONVERSATION, message_count: 2, messages: [question(1), reply(1)] }
        feed.fail(new TypeError('connection reset'))
        return feed.response
      },
    })
    expect(await store.send('Write it')).toBe(true)
    expect(plainCalls(fetchMock)).toHaveLength(0)
    expect(store.via).toBe('recovered')
    expect(store.messages.map((m) => m.content)).toEqual(['Write it', DRAFT])
    expect(store.draft).toBe(DRAFT)
    expect(store.quality).toBeNull()
    expect(store.charges).toEqual({ m1: 10 })
  })

  it('reports a model failure from the stream without asking again, and keeps the old draft', async () => {
    detail = { ...CONVERSATION, messages: [question(1), reply(1)] }
    const { store, fetchMock } = await opened({
      'POST /api/conversations/c1/messages': () =>
        sseResponse([
          sseEvent('delta', { text: '# Half' }),
          sseEvent('error', { detail: 'the model failed: upstream 500; nothing was charged, try again', status: 502 }),
        ]),
    })
    expect(await store.send('Shorter please')).toBe(false)
    expect(plainCalls(fetchMock)).toHaveLength(0)
    expect(store.notice).toMatchObject({ kind: 'model', timeout: false })
    expect(store.messages.map((m) => m.id)).toEqual(['q1', 'm1'])
    expect(store.draft).toBe(DRAFT)
    expect(store.sending).toBe(false)
  })

  it('reports a timeout (504) of the plain call the same way', async () => {
    const { store } = await opened({
      'POST /api/conversations/c1/messages': ({ url }) =>
        url.searchParams.get('stream')
          ? new Response('nope', { headers: { 'Content-Type': 'text/plain' } })
          : apiError(504, 'the model timed out; nothing was charged, try again'),
    })
    expect(await store.send('Write it')).toBe(false)
    expect(store.notice).toMatchObject({ kind: 'model', timeout: true })
    expect(store.messages).toEqual([])
  })

  it('says how many credits are missing on a 402, before any stream', async () => {
    const { store, fetchMock } = await opened({
      'POST /api/conversations/c1/messages': () =>
        apiError(402, 'not enough credits: 10 needed, 4 available', { required: 10, balance: 4, shortfall: 6 }),
    })
    expect(await store.send('Write it')).toBe(false)
    expect(store.notice).toEqual({
      kind: 'credits',
      detail: 'not enough credits: 10 needed, 4 available',
      required: 10,
      balance: 4,
      shortfall: 6,
    })
    expect(fetchMock.calls('POST /api/conversations/c1/messages')).toHaveLength(1)
    expect(store.messages).toEqual([])
  })

  it('tells the studio when the server has no model (503)', async () => {
    const { store } = await opened({
      'POST /api/conversations/c1/messages': () =>
        apiError(503, 'No LLM is configured: set [llm] model (and api_key or api_base)'),
    })
    await store.send('Write it')
    expect(store.notice.kind).toBe('no-llm')
    expect(useStudioStore().noModel.kind).toBe('no-llm')
  })

  it('reloads the status when the conversation turned out to be finished (409)', async () => {
    const { store } = await opened({
      'POST /api/conversations/c1/messages': () => {
        detail = { ...CONVERSATION, status: 'completed', messages: [] }
        return apiError(409, 'this conversation is finished: resume it to continue')
      },
    })
    await store.send('Write it')
    expect(store.notice.kind).toBe('finished')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(store.conversation.status).toBe('completed')
    expect(store.active).toBe(false)
  })

  it('finalizes: a failing draft is refused with the reasons, then forced', async () => {
    detail = { ...CONVERSATION, messages: [question(1), reply(1)] }
    const SCRIPT = { id: 's9', title: 'Green tea', source: 'ai_generated', conversation_id: 'c1' }
    const { store, fetchMock } = await opened({
      'POST /api/conversations/c1/finalize': ({ body }) =>
        body.force
          ? Response.json(SCRIPT, { status: 201 })
          : apiError(
              422,
              'the draft fails the quality check: 1 speaker(s) talk; a conversation needs at least 2; ' +
                'Bob never speak(s) (finalize with force to keep it anyway)',
            ),
    })
    expect(await store.finalize()).toBeNull()
    // No report for a draft from history: the reasons as the server listed them.
    expect(store.refusal).toEqual({
      reasons: ['1 speaker(s) talk; a conversation needs at least 2; Bob never speak(s)'],
      canForce: true,
      detail: expect.stringContaining('quality check'),
    })
    expect(store.scriptId).toBeNull()

    expect(await store.finalize({ force: true })).toEqual(SCRIPT)
    const bodies = fetchMock.calls('POST /api/conversations/c1/finalize').map(([, init]) => JSON.parse(init.body))
    expect(bodies).toEqual([{}, { force: true }])
    expect(store.refusal).toBeNull()
    expect(store.script).toEqual(SCRIPT)
    expect(store.scriptId).toBe('s9')
    expect(store.conversation.status).toBe('completed')
    expect(store.active).toBe(false)
  })

  it('lists the failing checks of the latest report when finalize is refused', async () => {
    const failing = {
      ok: false,
      checks: [
        { name: 'parses', ok: true, message: 'the script parses' },
        { name: 'speakers', ok: false, message: '1 speaker(s) talk; a conversation needs at least 2' },
        { name: 'everyone_speaks', ok: false, message: 'Bob never speak(s)' },
      ],
    }
    const { store } = await opened({
      'POST /api/conversations/c1/messages': () => sseResponse([sseEvent('done', round(1, { quality: failing }))]),
      'POST /api/conversations/c1/finalize': () =>
        apiError(422, 'the draft fails the quality check: 1 speaker(s) talk; a conversation needs at least 2; Bob never speak(s) (finalize with force to keep it anyway)'),
    })
    await store.send('[one speaker]')
    await store.finalize()
    expect(store.refusal.reasons).toEqual(['1 speaker(s) talk; a conversation needs at least 2', 'Bob never speak(s)'])
    expect(store.refusal.canForce).toBe(true)
  })

  it('offers no force when finalize is refused for another reason', async () => {
    const { store } = await opened({
      'POST /api/conversations/c1/finalize': () => apiError(422, 'there is no draft yet: send a message first'),
    })
    await store.finalize()
    expect(store.refusal).toEqual({
      reasons: ['there is no draft yet: send a message first'],
      canForce: false,
      detail: 'there is no draft yet: send a message first',
    })
  })

  it('resumes a completed conversation', async () => {
    detail = { ...CONVERSATION, status: 'completed', script_id: 's9', messages: [question(1), reply(1)] }
    const { store, fetchMock } = await opened({
      'PUT /api/conversations/c1/resume': { ...CONVERSATION, status: 'active', script_id: 's9', message_count: 2 },
    })
    expect(store.active).toBe(false)
    expect(store.scriptId).toBe('s9')
    expect(await store.resume()).toBe(true)
    expect(fetchMock.calls('PUT /api/conversations/c1/resume')).toHaveLength(1)
    expect(store.active).toBe(true)
    expect(store.messages).toHaveLength(2)
  })

  it('drops a stream still arriving after the page is left', async () => {
    const feed = sseFeed()
    const { store } = await opened({ 'POST /api/conversations/c1/messages': () => feed.response })
    const sent = store.send('Write it')
    await new Promise((resolve) => setTimeout(resolve, 0))
    store.stop()
    feed.push(sseEvent('delta', { text: 'late' }) + sseEvent('done', round()))
    feed.close()
    expect(await sent).toBe(false)
    expect(store.sending).toBe(false)
    expect(store.draft).toBe('')
  })
})
