// Tests for reading Server-Sent Events from a fetch body: pieces split anywhere, line endings,
// comments, multi-line data, and UTF-8 characters split between reads.
import { describe, expect, it, vi } from 'vitest'
import { createSseParser, readEventStream } from './sse.js'

function parse(pieces) {
  const events = []
  const parser = createSseParser((e) => events.push(e))
  for (const piece of pieces) parser.push(piece)
  parser.end()
  return events
}

/** Every way to cut `text` in two. */
const splits = (text) => Array.from({ length: text.length + 1 }, (_, i) => [text.slice(0, i), text.slice(i)])

describe('createSseParser', () => {
  const STREAM =
    'event: delta\r\ndata: {"text":"Hel"}\r\n\r\n' +
    ': ping - 2026-01-01 00:00:00\r\n\r\n' +
    'event: delta\r\ndata: {"text":"lo"}\r\n\r\n' +
    'event: done\r\ndata: {"ok":true}\r\n\r\n'
  const EXPECTED = [
    { event: 'delta', data: '{"text":"Hel"}', id: '' },
    { event: 'delta', data: '{"text":"lo"}', id: '' },
    { event: 'done', data: '{"ok":true}', id: '' },
  ]

  it('reads events with their names, skipping comments', () => {
    expect(parse([STREAM])).toEqual(EXPECTED)
  })

  it('gives the same events wherever the stream is cut, CRLF halves included', () => {
    for (const pieces of splits(STREAM)) expect(parse(pieces)).toEqual(EXPECTED)
  })

  it('gives the same events when it arrives one character at a time', () => {
    expect(parse([...STREAM])).toEqual(EXPECTED)
  })

  it('accepts LF and lone CR line endings', () => {
    const lf = 'event: delta\ndata: {"text":"a"}\n\n'
    const cr = 'event: delta\rdata: {"text":"a"}\r\r'
    expect(parse([lf])).toEqual([{ event: 'delta', data: '{"text":"a"}', id: '' }])
    expect(parse([cr])).toEqual([{ event: 'delta', data: '{"text":"a"}', id: '' }])
    // A CR ending one piece and a blank line starting the next: CR, then LF+LF is not CRLF twice.
    expect(parse(['data: x\r', '\n\n'])).toEqual([{ event: 'message', data: 'x', id: '' }])
  })

  it('joins data lines, keeps a value without the one leading space, and remembers the id', () => {
    expect(parse(['id: 7\ndata:  two spaces\ndata\ndata:third\n\n'])).toEqual([
      { event: 'message', data: ' two spaces\n\nthird', id: '7' },
    ])
  })

  it('drops an event without data and an unfinished last event', () => {
    expect(parse(['event: delta\n\n', 'event: done\ndata: {"cut": tru'])).toEqual([])
  })

  it('ignores a byte order mark at the start only', () => {
    expect(parse(['\uFEFFdata: a\n\n', 'data: \uFEFFb\n\n']).map((e) => e.data)).toEqual(['a', '\uFEFFb'])
  })
})

describe('readEventStream', () => {
  function streamOf(chunks) {
    return new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk)
        controller.close()
      },
    })
  }

  it('decodes characters whose bytes are split between reads', async () => {
    const bytes = new TextEncoder().encode('event: delta\r\ndata: {"text":"【大牛】你好"}\r\n\r\n')
    // Cut inside "大" (3 bytes in UTF-8) and inside the CRLF.
    const cut1 = bytes.indexOf(0xe5) + 1
    const cut2 = bytes.length - 3
    const events = []
    await readEventStream(streamOf([bytes.slice(0, cut1), bytes.slice(cut1, cut2), bytes.slice(cut2)]), (e) => events.push(e))
    expect(events).toEqual([{ event: 'delta', data: '{"text":"【大牛】你好"}', id: '' }])
    expect(JSON.parse(events[0].data).text).toBe('【大牛】你好')
  })

  it('stops reading and rethrows when the handler throws', async () => {
    const cancel = vi.fn()
    const encoder = new TextEncoder()
    let pulls = 0
    const body = new ReadableStream({
      pull(controller) {
        pulls += 1
        controller.enqueue(encoder.encode(`data: ${pulls}\n\n`))
      },
      cancel,
    })
    const seen = []
    const failure = await readEventStream(body, (e) => {
      seen.push(e.data)
      if (e.data === '2') throw new Error('bad event')
    }).catch((err) => err)
    expect(failure.message).toBe('bad event')
    expect(seen).toEqual(['1', '2'])
    expect(cancel).toHaveBeenCalledTimes(1)
  })
})
