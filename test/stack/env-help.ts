/**
 * Every environment variable of the local stack, for `--help` and for start-up errors. The
 * README's "Ports and environment" table lists the same names (env-help.test.ts checks that).
 */
export type Command = 'npm start' | 'npm run stack' | 'idp' | 'api';

interface EnvVar {
  readonly name: string;
  readonly default: string;
  readonly what: string;
  readonly commands: readonly Command[];
}

const ALL: readonly Command[] = ['npm start', 'npm run stack', 'idp', 'api'];
const IDP: readonly Command[] = ['npm start', 'npm run stack', 'idp'];
const API: readonly Command[] = ['npm start', 'npm run stack', 'api'];

export const ENV_VARS: readonly EnvVar[] = [
  { name: 'IDP_PORT', default: '4000', what: 'the OpenID provider listens on localhost:IDP_PORT (issuer http://localhost:IDP_PORT)', commands: ALL },
  { name: 'API_PORT', default: '4001', what: 'the Todo API listens on localhost:API_PORT (also its default audience)', commands: ALL },
  { name: 'APP_PORT', default: '5173', what: 'the app (npm start: the Vite dev server) is http://localhost:APP_PORT', commands: ALL },
  {
    name: 'APP_ORIGIN',
    default: 'http://localhost:APP_PORT',
    what: 'the app origin the IdP redirects to and the API allows (CORS); not for npm start',
    commands: ['npm run stack', 'idp', 'api'],
  },
  { name: 'ACCESS_TOKEN_TTL', default: '300', what: 'access-token lifetime, seconds', commands: IDP },
  { name: 'REFRESH_TOKEN_TTL', default: '86400', what: 'refresh-token lifetime, seconds', commands: IDP },
  { name: 'SESSION_TTL', default: '86400', what: 'IdP session lifetime, seconds', commands: IDP },
  { name: 'ACCESS_TOKEN_FORMAT', default: 'jwt', what: 'jwt (RFC 9068) or opaque', commands: IDP },
  { name: 'IDP_DATA_FILE', default: '.data/idp-store.json (idp alone: memory)', what: "the IdP's sessions, grants and tokens", commands: IDP },
  { name: 'KEYS_DIR', default: '.keys/', what: "the IdP's signing and cookie keys", commands: IDP },
  {
    name: 'IDP_REQUIRE_ID_TOKEN_HINT',
    default: '0',
    what: 'test switch: 1 refuses prompt=none without id_token_hint (invalid_request)',
    commands: IDP,
  },
  { name: 'IDP_DPOP', default: '0', what: '1 turns on DPoP for the SPA client (required, tokens bound, nonces)', commands: IDP },
  { name: 'TOKEN_VALIDATION', default: 'jwt', what: 'the API validates JWTs locally, or uses introspection (RFC 7662)', commands: API },
  {
    name: 'API_ISSUER',
    default: 'http://localhost:IDP_PORT',
    what: 'the issuer the API trusts, exactly as its discovery states it (may have a path)',
    commands: API,
  },
  { name: 'API_AUDIENCE', default: 'http://localhost:API_PORT', what: 'the audience the API requires in tokens', commands: API },
  { name: 'API_CLIENT_ID', default: 'todo-api', what: "the API's client id at the introspection endpoint", commands: API },
  { name: 'API_CLIENT_SECRET', default: 'todo-api-secret', what: "the API's client secret there (the local IdP registers the same)", commands: API },
  { name: 'TODO_DATA_FILE', default: '.data/todos.json (api alone: memory)', what: "the API's todos and idempotency records", commands: API },
];

export function usage(command: Command, synopsis: string): string {
  const vars = ENV_VARS.filter((v) => v.commands.includes(command));
  const width = Math.max(...vars.map((v) => v.name.length));
  return [synopsis, '', 'Environment:', ...vars.map((v) => `  ${v.name.padEnd(width)}  ${v.what} (default ${v.default})`), ''].join('\n');
}

/** Prints usage and exits when `--help` is among the arguments. */
export function helpRequested(command: Command, synopsis: string, argv: readonly string[] = process.argv.slice(2)): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage(command, synopsis));
    process.exit(0);
  }
}

/** A start-up failure: the message (which names the variable to change), the way to --help, exit 1. */
export function exitWithHint(command: Command, err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  const help =
    command === 'npm start' || command === 'npm run stack'
      ? `${command} -- --help`
      : `${command === 'idp' ? 'test/stack/idp/main.ts' : 'test/stack/api/main.ts'} --help`;
  console.error(`${message}\n(${help} lists every variable.)`);
  process.exit(1);
}
