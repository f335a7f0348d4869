// Vite build of the three sites (PC, H5, back office) as one multi-page project.
// `npm run build` writes web/dist/{pc,h5,admin}/index.html and web/dist/assets/*;
// the C server serves web/dist at the URL root.
import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { VantResolver } from '@vant/auto-import-resolver';

const root = fileURLToPath(new URL('.', import.meta.url));
const sites = ['pc', 'h5', 'admin'];

// The dev/preview servers behave like the C server: /pc/x, /h5/x and /admin/x without a dot
// fall back to that site's index.html, and / goes to the PC site.
function siteFallback() {
  const rewrite = (req, res, next) => {
    const path = (req.url || '').split('?')[0];
    if (path === '/') {
      res.statusCode = 302;
      res.setHeader('Location', '/pc/');
      res.end();
      return;
    }
    const m = path.match(/^\/(pc|h5|admin)(\/[^.]*)?$/);
    if (m) req.url = `/${m[1]}/index.html`;
    next();
  };
  return {
    name: 'gonghui-site-fallback',
    configureServer(server) {
      server.middlewares.use(rewrite);
    },
    configurePreviewServer(server) {
      server.middlewares.use(rewrite);
    },
  };
}

// Vant's icon font lists a CDN copy after its inline one; the server's CSP (font-src 'self'
// data:) blocks it and the site must not depend on other hosts, so drop remote font sources,
// and fail the build if any other remote url() is left in the CSS.
const REMOTE_FONT_SRC = /,\s*url\((?:https?:)?\/\/[^)]*\)(?:\s*format\([^)]*\))?/g;
const REMOTE_URL = /url\(\s*['"]?(?:https?:)?\/\//;

function noRemoteUrls() {
  return {
    name: 'gonghui-no-remote-urls',
    enforce: 'pre',
    transform(code, id) {
      if (!/\.css($|\?)/.test(id) || !code.includes('@font-face')) return null;
      return { code: code.replace(REMOTE_FONT_SRC, ''), map: null };
    },
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type === 'asset' && file.fileName.endsWith('.css') && REMOTE_URL.test(String(file.source))) {
          this.error(`${file.fileName} refers to another host in url(); the CSP allows only 'self'`);
        }
      }
    },
  };
}

// During development the API is the C server (make run); GONGHUI_API names it. The server
// wants Origin to be its own address, so the proxy presents it as such.
const apiTarget = process.env.GONGHUI_API || 'http://127.0.0.1:8080';
const apiProxy = {
  '/api': {
    target: apiTarget,
    configure(proxy) {
      proxy.on('proxyReq', (req) => {
        if (req.getHeader('origin')) req.setHeader('origin', apiTarget);
      });
    },
  },
};

export default defineConfig({
  root,
  base: '/',
  appType: 'mpa',
  plugins: [
    siteFallback(),
    noRemoteUrls(),
    vue(),
    Components({
      dirs: [],
      dts: false,
      resolvers: [ElementPlusResolver({ importStyle: 'css' }), VantResolver()],
    }),
  ],
  resolve: {
    alias: { '@shared': fileURLToPath(new URL('./shared', import.meta.url)) },
  },
  server: { proxy: apiProxy },
  preview: { proxy: apiProxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      input: Object.fromEntries(sites.map((s) => [s, `${root}${s}/index.html`])),
      output: {
        // Vue and the router are used by every page of every site: one long-cached chunk.
        // Element Plus and Vant parts stay split per page, so each page loads only its own.
        codeSplitting: {
          groups: [{ name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router)[\\/]/ }],
        },
      },
    },
  },
});
