// The parts of node: modules (workerd, nodejs_compat) the code uses; the project has no @types/node.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, fn: () => R): R;
  }
}

// The part of node:crypto (workerd, nodejs_compat) used for synchronous digests.
declare module "node:crypto" {
  export function createHash(algorithm: "sha256"): { update(data: string): { digest(encoding: "hex"): string } };
}
