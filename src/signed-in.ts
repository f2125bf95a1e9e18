/**
 * The part of the page only a signed-in user's screen needs, as one chunk loaded once a session
 * is known (issue 10 item 6): nothing before the first render waits for it, and the list, its
 * elements, the outbox and the API client arrive in one request.
 */
export { TodosController } from './app/todos-controller.ts';
export { createTodoApi } from './app/todo-api.ts';
export { cachedApiBase } from './app/config.ts';
import './components/todo-board.ts';
import './components/session-panel.ts';
