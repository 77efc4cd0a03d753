// The Markdown renderer for the live preview: raw HTML is escaped, nothing is fetched.
import MarkdownIt from 'markdown-it'

// html: false escapes any HTML in the script, so the output is safe to put in v-html.
const md = new MarkdownIt({ html: false, linkify: false, breaks: true, typographer: false })

/** @param {string} source Markdown @returns {string} HTML */
export function renderMarkdown(source) {
  return md.render(source ?? '')
}
