// Interface strings per language, keyed by the Element Plus locale names they pair with.
import en from './en.js'
import zhCn from './zh-cn.js'

export const messages = { 'zh-cn': zhCn, en }

export const LANGS = /** @type {const} */ (['zh-cn', 'en'])
