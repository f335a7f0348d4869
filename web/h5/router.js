// H5 site routes.
import { createRouter, createWebHistory } from 'vue-router';
import { api, session } from '../shared/worker.js';
import { installGuards } from '../shared/router.js';
import Hall from './views/Hall.vue';
import { flowRoutes } from '../shared/kinds.js';

const ComingSoon = () => import('./views/ComingSoon.vue');
// The steps every kind of application shares (components/steps), and the forms.
const steps = {
  check: () => import('./components/steps/CheckStep.vue'),
  agreement: () => import('./components/steps/AgreementStep.vue'),
  result: () => import('./components/steps/ResultStep.vue'),
};
const RecordForm = () => import('./views/verification/RecordForm.vue');

export const router = createRouter({
  history: createWebHistory('/h5/'),
  routes: [
    { path: '/', name: 'hall', component: Hall, meta: { title: '办事大厅', tabbar: true } },
    {
      path: '/guide/join',
      name: 'guide-join',
      component: () => import('./views/Guide.vue'),
      meta: { title: '入会申请' },
    },
    {
      path: '/guide/transfer',
      name: 'guide-transfer',
      component: () => import('./views/Guide.vue'),
      meta: { title: '会籍变更' },
    },
    {
      path: '/guide/verification',
      name: 'guide-verification',
      component: () => import('./views/Guide.vue'),
      meta: { title: '信息核实与登记' },
    },
    {
      path: '/login',
      name: 'login',
      component: () => import('./views/Login.vue'),
      meta: { title: '登录', guestOnly: true },
    },
    {
      path: '/register',
      name: 'register',
      component: () => import('./views/Register.vue'),
      meta: { title: '信息完善', guestOnly: true },
    },
    // 忘记密码 (views/recover): username + captcha → the three ways → each way's pages; the
    // e-mail links open /reset#token=… and /verify-email#token=… (the token in the fragment).
    { path: '/forgot', name: 'forgot', component: () => import('./views/recover/Start.vue'), meta: { title: '忘记密码' } },
    { path: '/forgot/ways', name: 'forgot-ways', component: () => import('./views/recover/Ways.vue'), meta: { title: '找回密码' } },
    { path: '/forgot/phone', name: 'forgot-phone', component: () => import('./views/recover/Phone.vue'), meta: { title: '手机方式找回' } },
    { path: '/forgot/email', name: 'forgot-email', component: () => import('./views/recover/EmailSent.vue'), meta: { title: '邮箱方式找回' } },
    { path: '/forgot/appeal', name: 'forgot-appeal', component: () => import('./views/recover/Appeal.vue'), meta: { title: '人工申诉' } },
    {
      path: '/forgot/appeal/result',
      name: 'forgot-appeal-result',
      component: () => import('./views/recover/AppealResult.vue'),
      meta: { title: '申诉已提交' },
    },
    { path: '/forgot/success', name: 'forgot-success', component: () => import('./views/recover/Success.vue'), meta: { title: '重置密码成功' } },
    { path: '/reset', name: 'reset', component: () => import('./views/recover/EmailReset.vue'), meta: { title: '重置密码' } },
    { path: '/verify-email', name: 'verify-email', component: () => import('./views/recover/VerifyEmail.vue'), meta: { title: '验证邮箱' } },
    {
      path: '/me',
      name: 'me',
      component: () => import('./views/Me.vue'),
      meta: { title: '个人中心', requiresAuth: true, tabbar: true },
    },
    {
      path: '/settings',
      name: 'settings',
      component: () => import('./views/Settings.vue'),
      meta: { title: '设置', requiresAuth: true },
    },
    {
      path: '/security',
      name: 'security',
      component: () => import('./views/Security.vue'),
      meta: { title: '账号安全', requiresAuth: true },
    },
    {
      path: '/password',
      name: 'password',
      component: () => import('./views/Password.vue'),
      meta: { title: '修改登录密码', requiresAuth: true },
    },
    {
      path: '/email',
      name: 'email',
      component: () => import('./views/recover/BindEmail.vue'),
      meta: { title: '绑定邮箱', requiresAuth: true },
    },
    {
      path: '/phone',
      name: 'phone',
      component: () => import('./views/Phone.vue'),
      meta: { title: '更换手机号', requiresAuth: true },
    },
    ...flowRoutes('join', { ...steps, form: () => import('./views/join/Form.vue') }, { h5: true }),
    ...flowRoutes('transfer', { ...steps, form: () => import('./views/transfer/Form.vue') }, { h5: true }),
    {
      // 信息核实与登记: the record to check, or 信息登记 for a worker who joined offline.
      path: '/verification',
      name: 'verification',
      component: () => import('./views/verification/Status.vue'),
      meta: { title: '信息核实与登记', requiresAuth: true },
    },
    ...flowRoutes('correction', { ...steps, form: RecordForm }, { h5: true, formKind: true }),
    ...flowRoutes('registration', { ...steps, form: RecordForm }, { h5: true, formKind: true }),
    {
      path: '/affairs',
      name: 'affairs',
      component: () => import('./views/affairs/List.vue'),
      meta: { title: '我的办事', requiresAuth: true },
    },
    {
      path: '/affairs/:id(\\d+)',
      name: 'affair',
      component: () => import('./views/affairs/Detail.vue'),
      meta: { title: '办件详情', requiresAuth: true },
    },
    {
      path: '/:rest(.*)*',
      name: 'not-found',
      component: ComingSoon,
      meta: { title: '页面不存在', missing: true },
    },
  ],
  scrollBehavior: () => ({ top: 0 }),
});

installGuards(router, { session, api, home: '/me' });
