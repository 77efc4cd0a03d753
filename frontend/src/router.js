// Application routes; HTML5 history in the browser, any history (e.g. memory) in tests.
import { createRouter, createWebHistory } from 'vue-router'
import { TOKEN_KEY } from './api/http.js'
import { authGuard } from './auth/session.js'
import HealthView from './health/HealthView.vue'

const signedIn = { requiresAuth: true }

export const routes = [
  {
    path: '/',
    name: 'home',
    component: HealthView,
    // Signed-in users start at their scripts; others see what PodForge is and whether it is up.
    beforeEnter: () => (localStorage.getItem(TOKEN_KEY) ? { name: 'scripts' } : true),
  },
  { path: '/status', name: 'status', component: HealthView },
  { path: '/login', name: 'login', component: () => import('./auth/LoginView.vue'), meta: { guestOnly: true } },
  { path: '/register', name: 'register', component: () => import('./auth/RegisterView.vue'), meta: { guestOnly: true } },
  { path: '/scripts', name: 'scripts', component: () => import('./scripts/ScriptsListView.vue'), meta: signedIn },
  { path: '/scripts/new', name: 'script-new', component: () => import('./scripts/ScriptEditorView.vue'), meta: signedIn },
  { path: '/scripts/:id', name: 'script', component: () => import('./scripts/ScriptEditorView.vue'), meta: signedIn },
  { path: '/scripts/:id/render', name: 'render', component: () => import('./tasks/RenderView.vue'), meta: signedIn },
  { path: '/tasks', name: 'tasks', component: () => import('./tasks/TasksListView.vue'), meta: signedIn },
  { path: '/tasks/:id', name: 'task', component: () => import('./tasks/TaskView.vue'), meta: signedIn },
  { path: '/studio', name: 'studio', component: () => import('./conversations/StudioView.vue'), meta: signedIn },
  { path: '/studio/new', name: 'studio-new', component: () => import('./conversations/NewConversationView.vue'), meta: signedIn },
  { path: '/studio/:id', name: 'conversation', component: () => import('./conversations/ConversationView.vue'), meta: signedIn },
  { path: '/templates', name: 'templates', component: () => import('./templates/TemplatesView.vue') },
  { path: '/account', name: 'account', component: () => import('./auth/AccountView.vue'), meta: signedIn },
  { path: '/credits', name: 'credits', component: () => import('./credits/CreditsView.vue'), meta: signedIn },
  { path: '/voices', name: 'voices', component: () => import('./voices/VoicesView.vue') },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./NotFoundView.vue') },
]

/** @param {import('vue-router').RouterHistory} [history] */
export function createAppRouter(history = createWebHistory(import.meta.env.BASE_URL)) {
  const router = createRouter({ history, routes })
  router.beforeEach(authGuard)
  return router
}
