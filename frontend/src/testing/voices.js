// Test data: a voice library like voices.yaml's.
export const VOICES = [
  { voice_id: 'en-us-michael', display_name: 'Michael', preview_url: '/api/voices/en-us-michael/preview', language: 'en-US', category: 'offline', gender: 'male', provider: 'espeak' },
  { voice_id: 'en-us-sarah', display_name: 'Sarah', preview_url: null, language: 'en-US', category: 'offline', gender: 'female', provider: 'espeak' },
  { voice_id: 'en-gb-oliver', display_name: 'Oliver', preview_url: null, language: 'en-GB', category: 'offline', gender: 'male', provider: 'espeak' },
  { voice_id: 'zh-cn-daniu', display_name: '大牛', preview_url: null, language: 'zh-CN', category: 'offline', gender: 'male', provider: 'espeak' },
  { voice_id: 'zh-cn-yifan', display_name: '一帆', preview_url: null, language: 'zh-CN', category: 'offline', gender: 'female', provider: 'espeak' },
]
