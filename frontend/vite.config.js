// Vite build, dev-server proxy to the FastAPI backend, and Vitest settings.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const backend = process.env.PODFORGE_API_URL || 'http://127.0.0.1:8000'
const proxied = ['/api', '/healthz', '/readyz', '/docs', '/openapi.json']

export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Element Plus is imported whole; keep it in its own chunk.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'vendor', test: /node_modules/ }],
        },
      },
    },
  },
  server: {
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: backend }])),
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.js'],
    restoreMocks: true,
    unstubGlobals: true,
  },
})
