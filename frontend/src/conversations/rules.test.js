// Tests for the studio's pure rules: pricing, drafts inside replies, error notices, the form.
import { describe, expect, it } from 'vitest'
import { HttpError } from '../api/http.js'
import { PRICING, chargesByMessage, nextRoundPrice, roundCharge } from './billing.js'
import { extractDraft } from './draft.js'
import { addSpeakers, checkForm, emptyForm, toCreateBody } from './form.js'
import { describeFinalizeRefusal, describeStudioError } from './notices.js'

describe('pricing', () => {
  it('charges the base in round 1, nothing in rounds 2-3, then per started thousand tokens', () => {
    expect(roundCharge({ round: 1, tokens: 99999 })).toBe(10)
    expect(roundCharge({ round: 2, tokens: 5000, chargedSoFar: 10 })).toBe(0)
    expect(roundCharge({ round: 3, tokens: 5000, chargedSoFar: 10 })).toBe(0)
    expect(roundCharge({ round: 4, tokens: 1000, chargedSoFar: 10 })).toBe(1)
    expect(roundCharge({ round: 4, tokens: 1001, chargedSoFar: 10 })).toBe(2)
    expect(roundCharge({ round: 5, tokens: 0, chargedSoFar: 10 })).toBe(0)
  })

  it('never passes the cap of a conversation', () => {
    expect(PRICING.cap).toBe(50)
    expect(roundCharge({ round: 9, tokens: 30000, chargedSoFar: 45 })).toBe(5)
    expect(roundCharge({ round: 10, tokens: 30000, chargedSoFar: 50 })).toBe(0)
  })

  it('adds up a history, preferring the charges the API reported', () => {
    const reply = (id, round, tokens) => ({ id, role: 'assistant', metadata: { round, tokens } })
    const messages = [
      { id: 'q', role: 'user' },
      reply('a', 1, 900), reply('b', 2, 900), reply('c', 3, 900), reply('d', 4, 2500), reply('e', 5, 45000),
      { id: 'live', role: 'assistant', streaming: true, metadata: {} },
    ]
    expect(chargesByMessage(messages)).toEqual({ a: 10, b: 0, c: 0, d: 3, e: 37 })
    expect(chargesByMessage(messages, { d: 2 })).toEqual({ a: 10, b: 0, c: 0, d: 2, e: 38 })
  })

  it('names the price of the next round', () => {
    expect(nextRoundPrice(1, 0)).toEqual({ kind: 'base', credits: 10 })
    expect(nextRoundPrice(3, 10)).toEqual({ kind: 'included' })
    expect(nextRoundPrice(4, 10)).toEqual({ kind: 'tokens' })
    expect(nextRoundPrice(12, 50)).toEqual({ kind: 'capped' })
  })
})

describe('drafts in replies', () => {
  it('takes the fenced Markdown block, else the whole reply', () => {
    expect(extractDraft('Sure!\n```markdown\n# T\n\n【A】hi\n```\nAnything else?')).toBe('# T\n\n【A】hi\n')
    expect(extractDraft('```md\n# T\n```')).toBe('# T\n')
    expect(extractDraft('  # T\n\n**A:** hi  ')).toBe('# T\n\n**A:** hi\n')
    expect(extractDraft('')).toBe('')
  })

  it('counts an open fence as the draft while a reply streams in', () => {
    expect(extractDraft('Sure!\n```markdown\n# T\n**A:** h', { partial: true })).toBe('# T\n**A:** h\n')
    expect(extractDraft('Sure!\n```markdown\n# T\n**A:** h')).toBe('Sure!\n```markdown\n# T\n**A:** h\n')
  })
})

describe('notices', () => {
  it('tells no model, missing credits, model failures and finished conversations apart', () => {
    expect(describeStudioError(new HttpError(503, 'No LLM is configured')).kind).toBe('no-llm')
    expect(describeStudioError(new HttpError(402, 'x', { detail: 'x', required: 10, balance: 3 }))).toMatchObject({
      kind: 'credits',
      shortfall: 7,
    })
    expect(describeStudioError(new HttpError(502, 'bad gateway'))).toMatchObject({ kind: 'model', timeout: false })
    expect(describeStudioError(new HttpError(504, 'slow'))).toMatchObject({ kind: 'model', timeout: true })
    expect(describeStudioError(new HttpError(409, 'finished')).kind).toBe('finished')
    expect(describeStudioError(new HttpError(0, 'Failed to fetch'))).toEqual({ kind: 'other', detail: 'Failed to fetch' })
  })

  it('lists the failing checks of a refused finalize', () => {
    const refused = describeFinalizeRefusal(
      new HttpError(422, 'the draft fails the quality check: 120 characters for a target of about 600 (within 25%) (finalize with force to keep it anyway)'),
    )
    expect(refused).toMatchObject({ reasons: ['120 characters for a target of about 600 (within 25%)'], canForce: true })
  })
})

describe('the new conversation form', () => {
  it('adds speakers once each, comma-separated names too, at most 8', () => {
    expect(addSpeakers(['Alice'], ' Bob ')).toEqual(['Alice', 'Bob'])
    expect(addSpeakers(['Alice'], 'alice')).toEqual(['Alice'])
    expect(addSpeakers([], '大牛，一帆、Carol, ,Dan')).toEqual(['大牛', '一帆', 'Carol', 'Dan'])
    expect(addSpeakers([], 'a,b,c,d,e,f,g,h,i,j')).toHaveLength(8)
    expect(addSpeakers([], 'x'.repeat(50))).toEqual(['x'.repeat(40)])
  })

  it('asks for a topic, two speakers and a length in range', () => {
    expect(checkForm(emptyForm())).toEqual({ topic: 'studio.form.topicRequired', speakers: 'studio.form.speakersTooFew' })
    const form = { ...emptyForm(), topic: 'Tea', speakers: ['A', 'B'] }
    expect(checkForm(form)).toEqual({})
    expect(checkForm({ ...form, minutes: 0.25 })).toEqual({ minutes: 'studio.form.durationRange' })
    expect(checkForm({ ...form, minutes: 241 })).toEqual({ minutes: 'studio.form.durationRange' })
    expect(checkForm({ ...form, minutes: '' })).toEqual({ minutes: 'studio.form.durationRange' })
  })

  it('sends seconds, and leaves out an automatic language and an empty title', () => {
    const form = { ...emptyForm(), topic: ' Tea ', speakers: ['A', 'B'], minutes: 2.5 }
    expect(toCreateBody(form)).toEqual({ topic: 'Tea', style: 'educational', target_duration: 150, speakers: ['A', 'B'] })
    expect(toCreateBody({ ...form, language: 'zh', title: ' Ep 1 ' })).toMatchObject({ language: 'zh', title: 'Ep 1' })
  })
})
