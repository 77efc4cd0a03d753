// Tests for the default voice choice and grouping by language.
import { describe, expect, it } from 'vitest'
import { VOICES } from '../testing/voices.js'
import { defaultVoiceConfig, groupByLanguage, matchesLanguage } from './choose.js'

const language = (id) => VOICES.find((v) => v.voice_id === id).language

describe('defaultVoiceConfig', () => {
  it('gives English speakers distinct English voices', () => {
    const config = defaultVoiceConfig(['Alice', 'Bob', 'Carol'], VOICES, 'en')
    const chosen = Object.values(config)
    expect(Object.keys(config)).toEqual(['Alice', 'Bob', 'Carol'])
    expect(new Set(chosen).size).toBe(3)
    expect(chosen.every((id) => language(id).startsWith('en'))).toBe(true)
  })

  it('gives Chinese speakers distinct Chinese voices, named ones first', () => {
    const config = defaultVoiceConfig(['yifan', 'host'], VOICES, 'zh')
    expect(config).toEqual({ yifan: 'zh-cn-yifan', host: 'zh-cn-daniu' })
  })

  it('repeats voices only when the language has fewer voices than speakers', () => {
    const config = defaultVoiceConfig(['a', 'b', 'c'], VOICES, 'zh')
    expect(Object.values(config).every((id) => id.startsWith('zh-'))).toBe(true)
    expect(new Set([config.a, config.b]).size).toBe(2)
    expect(config.c).toBeTruthy()
  })

  it('uses the whole library when no voice speaks the language', () => {
    const config = defaultVoiceConfig(['a', 'b'], VOICES, 'fr')
    expect(config).toEqual({ a: 'en-us-michael', b: 'en-us-sarah' })
  })

  it('never picks a voice whose provider is not configured', () => {
    const voices = [
      { voice_id: 'English_CalmWoman', language: 'en-US', available: false },
      { voice_id: 'en-us-sarah', language: 'en-US', available: true },
      { voice_id: 'en-gb-oliver', language: 'en-GB', available: true },
    ]
    expect(defaultVoiceConfig(['A', 'B'], voices, 'en')).toEqual({
      A: 'en-us-sarah',
      B: 'en-gb-oliver',
    })
  })

  it('is empty without voices', () => {
    expect(defaultVoiceConfig(['a'], [], 'en')).toEqual({})
  })
})

describe('language helpers', () => {
  it('matches a base language against BCP 47 codes', () => {
    expect(matchesLanguage({ language: 'zh-CN' }, 'zh')).toBe(true)
    expect(matchesLanguage({ language: 'en-GB' }, 'zh')).toBe(false)
    expect(matchesLanguage({ language: 'en-GB' }, 'EN')).toBe(true)
  })

  it('groups by language code with the preferred language first', () => {
    const groups = groupByLanguage(VOICES, 'zh')
    expect(groups.map((g) => g.language)).toEqual(['zh-CN', 'en-GB', 'en-US'])
    expect(groups[0].voices.map((v) => v.voice_id)).toEqual(['zh-cn-daniu', 'zh-cn-yifan'])
  })
})
