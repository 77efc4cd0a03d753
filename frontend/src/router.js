// Application routes; HTML5 history in the browser, any history (e.g. memory) in tests.
import { createRouter, createWebHistory } from 'vue-router'
import HealthView from './health/HealthView.vue'

export const routes = [
  { path: '/', name: 'home', component: HealthView },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./NotFoundView.vue') },
]

/** @param {import('vue-router').RouterHistory} [history] */
export function createAppRouter(history = createWebHistory(import.meta.env.BASE_URL)) {
  return createRouter({ history, routes })
}
