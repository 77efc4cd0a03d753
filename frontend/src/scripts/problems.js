// Pure helpers for validation problems: ordering for display and locating a line in the text.

const SEVERITY_ORDER = { error: 0, warning: 1 }

/**
 * Problems in line order (errors before warnings on the same line), each with a stable key.
 * @param {{line: number, severity: string, message: string}[]} problems
 */
export function toProblemItems(problems) {
  return [...(problems ?? [])]
    .map((p) => ({
      line: Number(p.line) || 0,
      severity: p.severity === 'error' ? 'error' : 'warning',
      message: String(p.message ?? ''),
    }))
    .sort(
      (a, b) => a.line - b.line || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
    )
    .map((p, index) => ({ ...p, key: `${p.line}-${p.severity}-${index}` }))
}

/**
 * Character offsets [start, end) of a 1-based line, for selecting it in a textarea.
 * Lines past the end give the end of the text.
 * @param {string} text @param {number} line
 */
export function lineRange(text, line) {
  const lines = text.split('\n')
  const index = Math.min(Math.max(line, 1), lines.length) - 1
  let start = 0
  for (let i = 0; i < index; i += 1) start += lines[i].length + 1
  return [start, start + lines[index].length]
}

/** Allowed upload names: what POST /api/scripts/upload accepts. */
export function isScriptFile(name) {
  return /\.(md|markdown|txt)$/i.test(name ?? '')
}
