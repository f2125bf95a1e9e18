import { LitElement } from 'lit';

/**
 * Base for the app's elements: they render into light DOM, so public/app.css styles them (the
 * CSP allows only same-origin stylesheets), no CSS ships inside the JS bundle, and accessible
 * names and labels resolve without crossing shadow roots.
 *
 * Elements declare `static properties` rather than decorators: the decorator helpers cost several hundred bytes
 * gzip of the page budget for the same result.
 */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** Plain bubbling, non-composed `CustomEvent` (the only kind the app's elements fire). */
  protected fire(type: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, detail }));
  }

  /** What lit's `@query` did: the first match in the render root (light DOM, so `this`). */
  // Like querySelector<E>: the caller says what its selector matches.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  protected $<E extends Element>(selector: string): E | null {
    return this.querySelector<E>(selector);
  }
}
