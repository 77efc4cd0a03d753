// What AI script writing costs, as shown to users: the per-round rule, and the charge of each
// answered round for conversations loaded from history (live rounds report their own charge).

/** The pricing the server applies by default ([billing] chat_* settings). */
export const PRICING = Object.freeze({
  /** credits for round 1 ... */
  base: 10,
  /** ... which also covers the rounds up to this one */
  baseRounds: 3,
  /** later rounds: 1 credit per started block of this many tokens */
  tokensPerCredit: 1000,
  /** a conversation never costs more than this */
  cap: 50,
})

/**
 * Credits for one answered round.
 * @param {{round: number, tokens?: number, chargedSoFar?: number}} round
 */
export function roundCharge({ round, tokens = 0, chargedSoFar = 0 }, rules = PRICING) {
  let charge
  if (round === 1) charge = rules.base
  else if (round <= rules.baseRounds) charge = 0
  else charge = Math.ceil(Math.max(0, tokens) / rules.tokensPerCredit)
  return Math.max(0, Math.min(charge, rules.cap - chargedSoFar))
}

/**
 * The charge of every assistant message, keyed by message id, in order. `known` holds charges
 * the API reported (credits_charged) and wins over the rule.
 * @param {{id: string, role: string, metadata?: {round?: number, tokens?: number}}[]} messages
 * @param {Record<string, number>} [known]
 */
export function chargesByMessage(messages, known = {}) {
  const charges = {}
  let total = 0
  let round = 0
  for (const message of messages) {
    if (message.role !== 'assistant' || message.streaming) continue
    round += 1
    const charge =
      message.id in known
        ? known[message.id]
        : roundCharge({ round: message.metadata?.round ?? round, tokens: message.metadata?.tokens, chargedSoFar: total })
    charges[message.id] = charge
    total += charge
  }
  return charges
}

/**
 * What the next round will cost, for the hint beside the send button.
 * @returns {{kind: 'base', credits: number} | {kind: 'included'} | {kind: 'tokens'} | {kind: 'capped'}}
 */
export function nextRoundPrice(round, chargedSoFar, rules = PRICING) {
  if (chargedSoFar >= rules.cap) return { kind: 'capped' }
  if (round === 1) return { kind: 'base', credits: Math.min(rules.base, rules.cap) }
  if (round <= rules.baseRounds) return { kind: 'included' }
  return { kind: 'tokens' }
}
