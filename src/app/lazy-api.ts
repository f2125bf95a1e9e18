import type { TodoApi } from './todo-api.ts';

/**
 * The Todo API client, loaded with its first call (with the rest of the signed-in screen,
 * src/signed-in.ts): nothing before the first render needs it (issue 10 item 6).
 */
export function lazyTodoApi(ready: () => Promise<void>): TodoApi {
  let api: Promise<TodoApi> | undefined;
  const get = (): Promise<TodoApi> =>
    (api ??= import('../signed-in.ts').then(
      (m) => m.createTodoApi({ base: m.cachedApiBase(), ready }),
      (e: unknown) => {
        api = undefined; // a failed chunk load is tried again on the next call
        throw e;
      },
    ));
  return {
    list: async () => (await get()).list(),
    create: async (title, w) => (await get()).create(title, w),
    update: async (id, patch, w) => (await get()).update(id, patch, w),
    remove: async (id, w) => (await get()).remove(id, w),
  };
}
