// Back office (/admin/): staff login, then the review workbench (Element Plus).
import { createApp } from 'vue';
import 'element-plus/theme-chalk/base.css';
import '../shared/theme.css';
import './admin.css';
import App from './App.vue';
import { router } from './router.js';

createApp(App).use(router).mount('#app');
