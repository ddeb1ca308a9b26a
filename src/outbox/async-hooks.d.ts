// The part of node:async_hooks (workerd, nodejs_compat) the outbox uses; the project has no @types/node.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, fn: () => R): R;
  }
}
