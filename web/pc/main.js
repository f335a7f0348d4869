// PC site (/pc/): Element Plus, public home page with 【登录】 and the top menus.
import { createApp } from 'vue';
import 'element-plus/theme-chalk/base.css';
import '../shared/theme.css';
import './pc.css';
import App from './App.vue';
import { router } from './router.js';

createApp(App).use(router).mount('#app');
