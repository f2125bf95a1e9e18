import { LitElement } from 'lit';

/**
 * Base for the app's elements: they render into light DOM, so public/app.css styles them (the
 * CSP allows only same-origin stylesheets), no CSS ships inside the JS bundle, and accessible
 * names and labels resolve without crossing shadow roots.
 */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}
