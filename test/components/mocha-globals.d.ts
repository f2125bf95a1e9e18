// The mocha globals @web/test-runner provides in the browser (@types/mocha is not installed).
type MochaCallback = (() => void) | (() => Promise<unknown>);
declare function describe(title: string, fn: () => void): void;
declare function it(title: string, fn: MochaCallback): void;
declare function before(fn: MochaCallback): void;
declare function after(fn: MochaCallback): void;
declare function beforeEach(fn: MochaCallback): void;
declare function afterEach(fn: MochaCallback): void;
