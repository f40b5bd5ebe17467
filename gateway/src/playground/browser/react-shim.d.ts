/**
 * React 19 ships no type declarations and @types/react is not a dependency of the gateway (only
 * this browser code uses React): the two calls the playground makes, typed loosely.
 */
declare module 'react' {
  export function createElement(type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]): unknown;
}

declare module 'react-dom/client' {
  export function createRoot(container: Element): { render(node: unknown): void; unmount(): void };
}
