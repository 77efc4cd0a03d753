// Interface strings per language, keyed by the Element Plus locale names they pair with.
export const messages = {
  'zh-cn': {
    app: { title: 'PodForge', language: '语言', navigation: '主导航' },
    nav: { home: '首页' },
    health: {
      tagline: '把一个话题变成一期完整的多人播客',
      intro: '给出主题与主持人，PodForge 写稿、配音、混音，交付可以发布的节目。',
      api: '后端 API',
      checking: '检查中…',
      up: '运行正常',
      down: '无法连接',
      unknown: '未检查',
      retry: '重新检查',
      checkedAt: '检查时间',
    },
    notFound: { title: '页面不存在', back: '返回首页' },
  },
  en: {
    app: { title: 'PodForge', language: 'Language', navigation: 'Main navigation' },
    nav: { home: 'Home' },
    health: {
      tagline: 'Turn a topic into a finished multi-host podcast',
      intro:
        'Give a topic and the hosts; PodForge writes the script, voices it, mixes it and delivers an episode ready to publish.',
      api: 'Backend API',
      checking: 'Checking…',
      up: 'Up',
      down: 'Unreachable',
      unknown: 'Not checked',
      retry: 'Check again',
      checkedAt: 'Checked at',
    },
    notFound: { title: 'Page not found', back: 'Back to home' },
  },
}

export const LANGS = /** @type {const} */ (['zh-cn', 'en'])
