/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The bundle is served by the gateway (nginx) at the origin's root, beside /api/<service>/.
// `npm run dev` proxies /api and /config.json to a running gateway (make up), so the dev server
// behaves like the real origin.
const gateway = process.env.ZD_GATEWAY ?? 'http://127.0.0.1:8100'

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@': new URL('./src', import.meta.url).pathname } },
  build: {
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // Libraries change less often than the views: separate chunks stay cached across releases.
        manualChunks: {
          vue: ['vue', 'vue-router', 'pinia'],
          'element-plus': ['element-plus', '@element-plus/icons-vue'],
          echarts: ['echarts/core', 'echarts/charts', 'echarts/components', 'echarts/renderers', 'vue-echarts'],
          oidc: ['oidc-client-ts'],
        },
      },
    },
  },
  server: { proxy: { '/api': gateway, '/config.json': gateway } },
  test: { environment: 'node', include: ['tests/**/*.test.ts'] },
})
