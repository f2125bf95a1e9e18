// Order matters: this import registers the service worker before any other app code runs.
import { vault } from './app/start-vault.ts';
import { cachedApiBase } from './app/config.ts';
import { createTodoApi } from './app/todo-api.ts';
import './components/todo-app.ts';

const app = document.querySelector('todo-app');
if (app) {
  app.api = createTodoApi({ base: cachedApiBase(), ready: () => vault.whenApiReady() });
  app.vault = vault;
}
