// A conversation as the API answers it, shared by the conversation store and view tests.
export const CONVERSATION = {
  id: 'c1',
  title: 'Green tea',
  topic: 'How green tea is made',
  style: 'casual',
  target_duration: 120,
  speakers: ['Alice', 'Bob'],
  language: 'en',
  status: 'active',
  script_id: null,
  message_count: 0,
  total_tokens: 0,
  total_cost: 0,
  created_at: '2026-01-01T10:00:00Z',
  updated_at: '2026-01-01T10:00:00Z',
}
