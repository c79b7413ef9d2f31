import { createRouter, createWebHashHistory } from 'vue-router'
import Dashboard from './views/Dashboard.vue'
import Intake from './views/Intake.vue'
import Tickets from './views/Tickets.vue'
import TicketDetailView from './views/TicketDetail.vue'
import Technicians from './views/Technicians.vue'
import MasterData from './views/MasterData.vue'
import ImportLedger from './views/ImportLedger.vue'

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', component: Dashboard, meta: { title: '工作台' } },
    { path: '/intake', component: Intake, meta: { title: '报修登记' } },
    { path: '/tickets', component: Tickets, meta: { title: '工单' } },
    { path: '/tickets/:number', component: TicketDetailView, props: true, meta: { title: '工单详情' } },
    { path: '/technicians', component: Technicians, meta: { title: '维修人员' } },
    { path: '/master', component: MasterData, meta: { title: '基础资料' } },
    // ECharts is loaded with the page that draws, not at start.
    { path: '/report', component: () => import('./views/MonthReport.vue'), meta: { title: '月度报表' } },
    { path: '/import', component: ImportLedger, meta: { title: '导入' } },
    { path: '/accounts', component: () => import('./views/Accounts.vue'), meta: { title: '账号' } },
    { path: '/log', component: () => import('./views/AuditLog.vue'), meta: { title: '操作日志' } },
  ],
})
