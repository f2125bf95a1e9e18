import { defineConfig } from 'vite';
import { appPlugin } from './test/stack/app-plugin.ts';
import { originsFromEnv } from './test/stack/ports.ts';

const origins = originsFromEnv();

export default defineConfig({
  // The dev and preview servers add the headers and /config.json a static host would serve.
  plugins: [appPlugin(origins)],
  server: { port: origins.appPort, strictPort: true, host: 'localhost' },
  preview: { port: origins.appPort, strictPort: true, host: 'localhost' },
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
