// Browser entry: mounts the app with Element Plus, Pinia and the router.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { createAppRouter } from './router.js'
import './style.css'

createApp(App).use(createPinia()).use(createAppRouter()).use(ElementPlus).mount('#app')
