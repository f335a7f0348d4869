// Back office routes. Every page but the login needs a staff session. The review of each kind
// (入会审核, 会籍变更审核, 信息变更审核, 信息登记审核, 会员认领审核) is the same queue and detail
// pages, filtered by `meta.kind`.
import { createRouter, createWebHistory } from 'vue-router';
import { api, session } from '../shared/staff.js';
import { installGuards } from '../shared/router.js';
import Layout from './views/Layout.vue';
import { kindInfo, REVIEW_KINDS } from '../shared/kinds.js';

const ComingSoon = () => import('./views/ComingSoon.vue');
const ADMINS = ['org_admin', 'platform_admin'];
const Queue = () => import('./views/review/Queue.vue');
const Detail = () => import('./views/review/Detail.vue');

// The review queue of a kind of application and one application (shared/kinds.js `review`).
function reviewRoutes(kind) {
  const { path, title } = kindInfo(kind).review;
  const meta = (page) => ({ title: page, requiresAuth: true, menu: path, kind, queue: title });
  return [
    { path: path.slice(1), name: path.slice(1), component: Queue, meta: meta(title) },
    { path: `${path.slice(1)}/:id(\\d+)`, name: `${path.slice(1)}-detail`, component: Detail, meta: meta(`${title} · 办件详情`) },
  ];
}

export const router = createRouter({
  history: createWebHistory('/admin/'),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('./views/Login.vue'),
      meta: { title: '工作人员登录', guestOnly: true },
    },
    {
      path: '/',
      component: Layout,
      meta: { requiresAuth: true },
      children: [
        {
          path: '',
          name: 'dashboard',
          component: () => import('./views/Dashboard.vue'),
          meta: { title: '工作台', requiresAuth: true },
        },
        ...REVIEW_KINDS.flatMap(reviewRoutes),
        {
          // 人工申诉: platform admins only (the menu hides it from others; the API answers 403).
          path: 'appeals',
          name: 'appeals',
          component: () => import('./views/appeals/Queue.vue'),
          meta: { title: '人工申诉', requiresAuth: true, menu: '/appeals' },
        },
        {
          path: 'appeals/:id(\\d+)',
          name: 'appeal-detail',
          component: () => import('./views/appeals/Detail.vue'),
          meta: { title: '人工申诉 · 申诉详情', requiresAuth: true, menu: '/appeals' },
        },
        // 机构管理: org admins (their subtree) and platform admins; 审计日志 platform admins only.
        {
          path: 'stats',
          name: 'stats',
          component: () => import('./views/dashboard/Stats.vue'),
          meta: { title: '数据看板', requiresAuth: true, menu: '/stats', roles: ADMINS },
        },
        {
          path: 'orgs',
          name: 'orgs',
          component: () => import('./views/orgs/Orgs.vue'),
          meta: { title: '组织架构', requiresAuth: true, menu: '/orgs', roles: ADMINS },
        },
        {
          path: 'units',
          name: 'units',
          component: () => import('./views/units/Units.vue'),
          meta: { title: '单位管理', requiresAuth: true, menu: '/units', roles: ADMINS },
        },
        {
          path: 'staff',
          name: 'staff',
          component: () => import('./views/staff/Staff.vue'),
          meta: { title: '工作人员', requiresAuth: true, menu: '/staff', roles: ADMINS },
        },
        {
          path: 'members',
          name: 'members',
          component: () => import('./views/members/Members.vue'),
          meta: { title: '会员名册', requiresAuth: true, menu: '/members', roles: ADMINS },
        },
        {
          path: 'rosters',
          name: 'rosters',
          component: () => import('./views/rosters/Rosters.vue'),
          meta: { title: '花名册管理', requiresAuth: true, menu: '/rosters', roles: ADMINS },
        },
        {
          path: 'audit',
          name: 'audit',
          component: () => import('./views/audit/Audit.vue'),
          meta: { title: '审计日志', requiresAuth: true, menu: '/audit', roles: ['platform_admin'] },
        },
        {
          path: 'password',
          name: 'password',
          component: () => import('./views/Password.vue'),
          meta: { title: '修改密码', requiresAuth: true },
        },
        {
          path: ':rest(.*)*',
          name: 'not-found',
          component: ComingSoon,
          meta: { title: '页面不存在', requiresAuth: true, missing: true },
        },
      ],
    },
  ],
});

installGuards(router, { session, api, home: '/', siteTitle: '管理后台 - 厦门市智慧工会服务平台' });

// Pages with meta.roles: other staff go to the 工作台 (the server answers 403 anyway).
router.beforeEach((to) => {
  const role = session.state.person && session.state.person.role;
  if (to.meta.roles && session.state.authenticated && !to.meta.roles.includes(role)) return { path: '/' };
  return true;
});
