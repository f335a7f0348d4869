// H5 site (/h5/): Vant, phone layout with the 办事大厅 / 个人中心 tab bar.
import { createApp } from 'vue';
import 'vant/es/style/base.css';
import '../shared/theme.css';
import './h5.css';
import App from './App.vue';
import { router } from './router.js';

createApp(App).use(router).mount('#app');
