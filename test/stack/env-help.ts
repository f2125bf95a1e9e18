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

/** The variables `commands` read, by name: `[default, what it sets]`. */
function group(commands: readonly Command[], vars: Record<string, readonly [string, string]>): EnvVar[] {
  return Object.entries(vars).map(([name, [byDefault, what]]) => ({ name, default: byDefault, what, commands }));
}

export const ENV_VARS: readonly EnvVar[] = [
  ...group(['npm start', 'npm run stack', 'idp', 'api'], {
    IDP_PORT: ['4000', 'the OpenID provider listens on localhost:IDP_PORT (issuer http://localhost:IDP_PORT)'],
    API_PORT: ['4001', 'the Todo API listens on localhost:API_PORT (also its default audience)'],
    APP_PORT: ['5173', 'the app (npm start: the Vite dev server) is http://localhost:APP_PORT'],
  }),
  ...group(['npm run stack', 'idp', 'api'], {
    APP_ORIGIN: ['http://localhost:APP_PORT', 'the app origin the IdP redirects to and the API allows (CORS); not for npm start'],
  }),
  ...group(['npm start', 'npm run stack', 'idp'], {
    ACCESS_TOKEN_TTL: ['300', 'access-token lifetime, seconds'],
    REFRESH_TOKEN_TTL: ['86400', 'refresh-token lifetime, seconds'],
    SESSION_TTL: ['86400', 'IdP session lifetime, seconds'],
    ACCESS_TOKEN_FORMAT: ['jwt', 'jwt (RFC 9068) or opaque'],
    IDP_DATA_FILE: ['.data/idp-store.json (idp alone: memory)', "the IdP's sessions, grants and tokens"],
    KEYS_DIR: ['.keys/', "the IdP's signing and cookie keys"],
    IDP_REQUIRE_ID_TOKEN_HINT: ['0', 'test switch: 1 refuses prompt=none without id_token_hint (invalid_request)'],
    IDP_DPOP: ['0', '1 turns on DPoP for the SPA client (required, tokens bound, nonces)'],
  }),
  ...group(['npm start', 'npm run stack', 'api'], {
    TOKEN_VALIDATION: ['jwt', 'the API validates JWTs locally, or uses introspection (RFC 7662)'],
    API_ISSUER: ['http://localhost:IDP_PORT', 'the issuer the API trusts, exactly as its discovery states it (may have a path)'],
    API_AUDIENCE: ['http://localhost:API_PORT', 'the audience the API requires in tokens'],
    API_CLIENT_ID: ['todo-api', "the API's client id at the introspection endpoint"],
    API_CLIENT_SECRET: ['todo-api-secret', "the API's client secret there (the local IdP registers the same)"],
    TODO_DATA_FILE: ['.data/todos.json (api alone: memory)', "the API's todos and idempotency records"],
  }),
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
