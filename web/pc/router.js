// PC site routes.
import { createRouter, createWebHistory } from 'vue-router';
import { api, session } from '../shared/worker.js';
import { installGuards } from '../shared/router.js';
import Home from './views/Home.vue';
import { flowRoutes } from '../shared/kinds.js';

// The steps every kind of application shares (components/steps), and the forms.
const steps = {
  check: () => import('./components/steps/CheckStep.vue'),
  agreement: () => import('./components/steps/AgreementStep.vue'),
  result: () => import('./components/steps/ResultStep.vue'),
};
const RecordForm = () => import('./views/verification/RecordForm.vue');

export const router = createRouter({
  history: createWebHistory('/pc/'),
  routes: [
    { path: '/', name: 'home', component: Home, meta: { title: '首页' } },
    {
      path: '/login',
      name: 'login',
      component: () => import('./views/Login.vue'),
      meta: { title: '登录', guestOnly: true, bare: true },
    },
    {
      path: '/register',
      name: 'register',
      component: () => import('./views/Register.vue'),
      meta: { title: '信息完善', guestOnly: true, bare: true },
    },
    // 忘记密码 (views/recover): username + captcha → the three ways → each way's pages; the
    // e-mail links open /reset#token=… and /verify-email#token=… (the token in the fragment).
    {
      path: '/forgot',
      name: 'forgot',
      component: () => import('./views/recover/Start.vue'),
      meta: { title: '忘记密码' },
    },
    {
      path: '/forgot/ways',
      name: 'forgot-ways',
      component: () => import('./views/recover/Ways.vue'),
      meta: { title: '选择找回方式' },
    },
    {
      path: '/forgot/phone',
      name: 'forgot-phone',
      component: () => import('./views/recover/Phone.vue'),
      meta: { title: '手机方式找回' },
    },
    {
      path: '/forgot/email',
      name: 'forgot-email',
      component: () => import('./views/recover/EmailSent.vue'),
      meta: { title: '邮箱方式找回' },
    },
    {
      path: '/forgot/appeal',
      name: 'forgot-appeal',
      component: () => import('./views/recover/Appeal.vue'),
      meta: { title: '人工申诉' },
    },
    {
      path: '/forgot/appeal/result',
      name: 'forgot-appeal-result',
      component: () => import('./views/recover/AppealResult.vue'),
      meta: { title: '申诉已提交' },
    },
    {
      path: '/forgot/success',
      name: 'forgot-success',
      component: () => import('./views/recover/Success.vue'),
      meta: { title: '重置密码成功' },
    },
    {
      path: '/reset',
      name: 'reset',
      component: () => import('./views/recover/EmailReset.vue'),
      meta: { title: '重置密码' },
    },
    {
      path: '/verify-email',
      name: 'verify-email',
      component: () => import('./views/recover/VerifyEmail.vue'),
      meta: { title: '验证邮箱' },
    },
    {
      path: '/me',
      name: 'me',
      component: () => import('./views/Me.vue'),
      meta: { title: '个人中心', requiresAuth: true },
    },
    {
      path: '/password',
      name: 'password',
      component: () => import('./views/Password.vue'),
      meta: { title: '修改密码', requiresAuth: true },
    },
    ...flowRoutes('join', { ...steps, form: () => import('./views/join/Form.vue') }),
    ...flowRoutes('transfer', { ...steps, form: () => import('./views/transfer/Form.vue') }),
    {
      // 信息核实与登记: the record to check, or 信息登记 for a worker who joined offline.
      path: '/verification',
      name: 'verification',
      component: () => import('./views/verification/Status.vue'),
      meta: { title: '信息核实与登记', requiresAuth: true },
    },
    ...flowRoutes('correction', { ...steps, form: RecordForm }, { formKind: true }),
    ...flowRoutes('registration', { ...steps, form: RecordForm }, { formKind: true }),
    {
      path: '/affairs',
      name: 'affairs',
      component: () => import('./views/affairs/List.vue'),
      meta: { title: '我的办事', requiresAuth: true, trail: ['我的办事'] },
    },
    {
      path: '/affairs/:id(\\d+)',
      name: 'affair',
      component: () => import('./views/affairs/Detail.vue'),
      meta: { title: '办件详情', requiresAuth: true, trail: ['我的办事'] },
    },
    {
      path: '/:rest(.*)*',
      name: 'not-found',
      component: () => import('./views/NotFound.vue'),
      meta: { title: '页面不存在' },
    },
  ],
  scrollBehavior: () => ({ top: 0 }),
});

installGuards(router, { session, api, home: '/me' });
