import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { precachePlugin } from './deploy/precache-plugin.ts';
import { appPlugin } from './test/stack/app-plugin.ts';
import { originsFromEnv } from './test/stack/ports.ts';

const origins = originsFromEnv();

/**
 * Build only: lit's css-tag.js (shadow-DOM stylesheets) is dead code here, since every element
 * renders into light DOM; src/components/lit-css-stub.ts replaces it and throws if used.
 */
function litWithoutShadowStyles(): Plugin {
  const stub = fileURLToPath(new URL('./src/components/lit-css-stub.ts', import.meta.url));
  return {
    name: 'lit-without-shadow-styles',
    apply: 'build',
    enforce: 'pre',
    resolveId(source, importer) {
      return source === './css-tag.js' && importer?.includes('/@lit/reactive-element/') ? stub : null;
    },
  };
}

export default defineConfig({
  // The dev and preview servers add the headers and /config.json a static host would serve; the
  // build writes the shell manifest into sw.js and ships no config.json.
  plugins: [appPlugin(origins), litWithoutShadowStyles(), precachePlugin({ shell: process.env['SW_SHELL'] !== 'off' })],
  server: { port: origins.appPort, strictPort: true, host: 'localhost' },
  preview: { port: origins.appPort, strictPort: true, host: 'localhost' },
  resolve: {
    // The package's `module` entry is an ES5 transpile (~1 KB more gzip); this is the same code for ES2017+.
    alias: [{ find: /^workbox-window$/, replacement: 'workbox-window/build/workbox-window.prod.mjs' }],
  },
  build: {
    target: 'es2022',
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: { index: 'index.html', sw: 'sw/sw.ts' },
      output: {
        // The SW must keep one unhashed URL forever: re-registering under another URL replaces it.
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
