// Every page of the console. A page about a division (a code in its path) is only shown inside the
// user's jurisdiction: outside it the console answers 无权查看, as the services would (403).
import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import { currentUser, login } from '@/auth/oidc'
import { useSession } from '@/stores/session'
import { isCode } from '@/logic/divisions'
import AppLayout from '@/layouts/AppLayout.vue'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    action?: string // the policy action the page reads with (zhengdun.access)
    public?: boolean
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/callback', name: 'callback', component: () => import('@/views/CallbackView.vue'), meta: { public: true, title: '正在登录' } },
  {
    path: '/',
    component: AppLayout,
    children: [
      { path: '', name: 'home', component: () => import('@/views/HomeView.vue'), meta: { title: '首页' } },
      { path: 'tasks', name: 'tasks', component: () => import('@/views/TasksView.vue'), meta: { title: '我的待办', action: 'tasks.read' } },
      { path: 'figures/:code', name: 'figures', component: () => import('@/views/FiguresView.vue'), meta: { title: '统计', action: 'report.read' } },
      { path: 'figures/:code/villages', name: 'drill', component: () => import('@/views/DrillView.vue'), meta: { title: '下钻名单', action: 'report.read' } },
      { path: 'divisions', name: 'divisions', component: () => import('@/views/DivisionsView.vue'), meta: { title: '行政区划', action: 'division.read' } },
      { path: 'villages/:code', name: 'village', component: () => import('@/views/VillageView.vue'), meta: { title: '村', action: 'case.read' } },
      { path: 'screening', name: 'campaigns', component: () => import('@/views/screening/CampaignsView.vue'), meta: { title: '排查认定', action: 'campaign.read' } },
      { path: 'screening/:campaign', name: 'campaign', component: () => import('@/views/screening/CampaignView.vue'), meta: { title: '整顿工作', action: 'campaign.read' } },
      { path: 'screening/:campaign/rounds/:round/townships/:code', name: 'township-round', component: () => import('@/views/screening/TownshipRoundView.vue'), meta: { title: '乡镇排查', action: 'screening.read' } },
      { path: 'screening/:campaign/rounds/:round/counties/:code', name: 'county-list', component: () => import('@/views/screening/CountyListView.vue'), meta: { title: '县级名单', action: 'screening.read' } },
      { path: 'screening/:campaign/filings/:code', name: 'filings', component: () => import('@/views/screening/FilingsView.vue'), meta: { title: '备案名单', action: 'screening.filings.read' } },
      { path: 'screening/:campaign/targets', name: 'targets', component: () => import('@/views/screening/TargetsView.vue'), meta: { title: '动态名单', action: 'screening.read' } },
      { path: 'cases', name: 'cases', component: () => import('@/views/casework/CasesView.vue'), meta: { title: '整顿台账', action: 'case.read' } },
      { path: 'cases/:id', name: 'case', component: () => import('@/views/casework/CaseBookView.vue'), meta: { title: '一村一册', action: 'case.read' } },
      { path: 'supervision/alerts', name: 'alerts', component: () => import('@/views/supervision/AlertsView.vue'), meta: { title: '预警', action: 'supervision.read' } },
      { path: 'supervision/inspections', name: 'inspections', component: () => import('@/views/supervision/InspectionsView.vue'), meta: { title: '督导检查', action: 'supervision.read' } },
      { path: 'supervision/accountability', name: 'accountability', component: () => import('@/views/supervision/AccountabilityView.vue'), meta: { title: '问责', action: 'supervision.read' } },
      { path: 'supervision/evaluations', name: 'evaluations', component: () => import('@/views/supervision/EvaluationsView.vue'), meta: { title: '评价', action: 'supervision.read' } },
      { path: 'supervision/campaign-records', name: 'campaign-records', component: () => import('@/views/supervision/CampaignRecordsView.vue'), meta: { title: '四统一·五统一·五到位', action: 'supervision.read' } },
      { path: 'special-actions', name: 'special-actions', component: () => import('@/views/specialActions/SpecialActionsView.vue'), meta: { title: '专项行动', action: 'supervision.read' } },
      { path: 'cadres', name: 'cadres', component: () => import('@/views/CadresView.vue'), meta: { title: '村干部名册', action: 'cadres.read' } },
      { path: 'pairings', name: 'pairings', component: () => import('@/views/PairingsView.vue'), meta: { title: '结对帮带', action: 'pairing.read' } },
      { path: 'users', name: 'users', component: () => import('@/views/UsersView.vue'), meta: { title: '用户管理', action: 'user.read' } },
      { path: 'supervision/journal/:code', name: 'journal', component: () => import('@/views/supervision/JournalView.vue'), meta: { title: '纪实记录', action: 'journal.read' } },
      { path: 'acceptance', name: 'acceptances', component: () => import('@/views/acceptance/AcceptancesView.vue'), meta: { title: '评估验收', action: 'acceptance.read' } },
      { path: 'acceptance/spot-checks', name: 'spot-checks', component: () => import('@/views/acceptance/SpotChecksView.vue'), meta: { title: '验收抽查', action: 'acceptance.read' } },
      { path: 'acceptance/:id', name: 'acceptance', component: () => import('@/views/acceptance/AcceptanceView.vue'), meta: { title: '验收进程', action: 'acceptance.read' } },
      { path: 'reports', name: 'reports', component: () => import('@/views/ReportsView.vue'), meta: { title: '报送通报', action: 'report.document' } },
      { path: 'operations', name: 'operations', component: () => import('@/views/OperationsView.vue'), meta: { title: '运行监控', action: 'clock.read' } },
      { path: 'forbidden', name: 'forbidden', component: () => import('@/views/ForbiddenView.vue'), meta: { title: '无权查看', public: true } },
      { path: ':rest(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { title: '页面不存在', public: true } },
    ],
  },
]

/** Why `to` may not be shown to the user, or null when it may. */
export function refusal(to: RouteLocationNormalized, session: ReturnType<typeof useSession>): string | null {
  const code = to.params.code
  if (typeof code === 'string') {
    if (!isCode(code)) return `“${code}”不是有效的区划代码`
    if (!session.reaches(code)) return `区划 ${code} 不在您的辖区内`
  }
  if (to.meta.action && !session.can(to.meta.action)) return '您的角色或层级不能查看此页面'
  return null
}

export function createConsoleRouter() {
  const router = createRouter({ history: createWebHistory(), routes })
  router.beforeEach(async (to) => {
    if (to.meta.public) return true
    if (!(await currentUser())) {
      await login(to.fullPath)
      return false
    }
    const why = refusal(to, useSession())
    if (why) return { name: 'forbidden', query: { from: to.fullPath, why } }
    return true
  })
  router.afterEach((to) => {
    document.title = `${to.meta.title ?? ''} · 整顿工作平台`
  })
  return router
}
