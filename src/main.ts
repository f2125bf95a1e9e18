// Order matters: this import registers the service worker before any other app code runs.
import { vault } from './app/start-vault.ts';
import { lazyTodoApi } from './app/lazy-api.ts';
import './components/todo-app.ts';

const app = document.querySelector('todo-app');
if (app) {
  app.api = lazyTodoApi(() => vault.whenApiReady());
  app.vault = vault;
}
