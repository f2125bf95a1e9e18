/**
 * Build-time stand-in for lit's `@lit/reactive-element/css-tag.js` (vite.config.ts swaps it in
 * for `vite build` only; dev server and component tests use the real module). Every element
 * renders into light DOM (light-element.ts) and is styled by public/app.css, so lit's
 * constructable-stylesheet code is dead weight in the page (~0.4 KB gzip). Using shadow-DOM
 * styles (`static styles`, `css`) in a build fails loudly here instead of silently unstyled.
 */
const unsupported = (): never => {
  throw new Error('static styles are not built in: elements render into light DOM (see vite.config.ts)');
};

export const getCompatibleStyle = unsupported;
export const adoptStyles = unsupported;
export const css = unsupported;
export const unsafeCSS = unsupported;
export const CSSResult = undefined;
export const supportsAdoptingStyleSheets = false;
