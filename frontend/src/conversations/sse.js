// Server-Sent Events read from a fetch body (EventSource cannot POST): a parser that takes text in
// arbitrary pieces, and a reader that feeds it from a ReadableStream of bytes.

/**
 * @typedef {{event: string, data: string, id: string}} SseEvent
 */

/**
 * An incremental parser following the HTML event-stream rules: lines end with CRLF, LF or CR
 * (a CR at the end of one piece may be followed by its LF in the next), `:` starts a comment,
 * `data` lines join with "\n", a blank line dispatches, and an event without data is dropped.
 * @param {(event: SseEvent) => void} onEvent called once per complete event, in order
 */
export function createSseParser(onEvent) {
  let buffer = ''
  let started = false
  let skipLf = false
  let eventType = ''
  let data = []
  let lastId = ''

  function dispatch() {
    if (data.length) onEvent({ event: eventType || 'message', data: data.join('\n'), id: lastId })
    eventType = ''
    data = []
  }

  function line(text) {
    if (text === '') return dispatch()
    if (text.startsWith(':')) return
    const colon = text.indexOf(':')
    const field = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') eventType = value
    else if (field === 'data') data.push(value)
    else if (field === 'id' && !value.includes('\0')) lastId = value
    // "retry" and unknown fields mean nothing to a one-shot reader.
  }

  /** @param {string} text the next decoded piece of the stream */
  function push(text) {
    if (!started && text) {
      started = true
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    if (skipLf && text.startsWith('\n')) text = text.slice(1)
    skipLf = false
    buffer += text
    let start = 0
    for (let i = 0; i < buffer.length; i += 1) {
      const c = buffer[i]
      if (c !== '\n' && c !== '\r') continue
      line(buffer.slice(start, i))
      if (c === '\r') {
        if (i + 1 === buffer.length) skipLf = true
        else if (buffer[i + 1] === '\n') i += 1
      }
      start = i + 1
    }
    buffer = buffer.slice(start)
  }

  /** The stream ended: a last event without its blank line is incomplete and is dropped. */
  function end() {
    buffer = ''
    eventType = ''
    data = []
  }

  return { push, end }
}

/**
 * Read a byte stream to its end, calling onEvent for each event. Multi-byte characters split
 * across reads are decoded whole. An exception thrown by onEvent stops reading (the stream is
 * cancelled) and is rethrown.
 * @param {ReadableStream<Uint8Array>} body
 * @param {(event: SseEvent) => void} onEvent
 */
export async function readEventStream(body, onEvent) {
  const reader = body.getReader()
  const decoder = new TextDecoder('utf-8')
  const parser = createSseParser(onEvent)
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parser.push(decoder.decode(value, { stream: true }))
    }
    parser.push(decoder.decode())
    parser.end()
  } catch (err) {
    reader.cancel().catch(() => {})
    throw err
  }
}
