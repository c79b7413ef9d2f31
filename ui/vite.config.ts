import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus on demand (issue 12: the app's size): each <el-…> tag and v-loading
    // becomes an import of that component and its CSS, instead of the whole library.
    // No generated .d.ts: templates were type-checked the same way before.
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: false,
    }),
  ],
  // Relative asset URLs: the files are served from the app bundle, not a web root.
  base: './',
  clearScreen: false,
  build: {
    target: 'safari15',
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    server: { deps: { inline: ['element-plus'] } },
    css: false,
  },
})
