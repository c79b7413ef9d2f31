import { createApp } from 'vue'
// Element Plus on demand: components and v-loading are imported where templates use
// them (unplugin-vue-components, vite.config.ts), each with its own CSS. The base
// variables come first so style.css can override them; the services called from
// script (ElMessage, ElMessageBox) bring no style of their own, so theirs are here.
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import './style.css'
import App from './App.vue'
import { router } from './router'

createApp(App).use(router).mount('#app')
