// Test helper: event-stream Responses, whole or fed piece by piece (as strings or raw bytes).

const HEADERS = { 'Content-Type': 'text/event-stream; charset=utf-8' }

/** One SSE event as the server writes it (sse-starlette ends lines with CRLF). */
export function sseEvent(event, data, eol = '\r\n') {
  return `event: ${event}${eol}data: ${JSON.stringify(data)}${eol}${eol}`
}

const bytes = (piece) => (typeof piece === 'string' ? new TextEncoder().encode(piece) : piece)

/** A Response whose body delivers `pieces` as separate reads, then ends. */
export function sseResponse(pieces) {
  const body = new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(bytes(piece))
      controller.close()
    },
  })
  return new Response(body, { headers: HEADERS })
}

/** A Response the test feeds: push(piece), close(), fail(error). */
export function sseFeed() {
  let controller
  const body = new ReadableStream({
    start(c) {
      controller = c
    },
  })
  return {
    response: new Response(body, { headers: HEADERS }),
    push: (piece) => controller.enqueue(bytes(piece)),
    close: () => controller.close(),
    fail: (error) => controller.error(error),
  }
}
