/**
 * The slice of oidc-provider 9.x that the local IdP uses. The package ships no types; this keeps
 * the boundary typed instead of falling back to `any`.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type Koa from 'koa';

  export type AdapterPayload = Record<string, unknown> & {
    grantId?: string;
    uid?: string;
    userCode?: string;
    consumed?: number;
  };

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface ClientLike {
    readonly clientId: string;
    readonly clientAuthMethod: string;
    grantTypeAllowed(type: string): boolean;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown> & { sub: string }>;
  }

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown> & { client_id?: string; scope?: string };
    session?: { accountId: string };
    grantId?: string;
  }

  export interface InteractionResult {
    login?: { accountId: string };
    consent?: { grantId: string };
    error?: string;
    error_description?: string;
  }

  export interface Grant {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface OidcContext {
    readonly route: string;
    /** The prompts the authorization request asked for (`prompt=none` gives `none`). */
    readonly prompts: ReadonlySet<string>;
    readonly client?: ClientLike;
    readonly params?: Record<string, unknown>;
    readonly entities: Record<string, unknown>;
    readonly session?: { accountId?: string };
  }

  export type ProviderContext = Koa.Context & { oidc: OidcContext };

  export class Provider extends Koa {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly issuer: string;
    Grant: new (init: { accountId: string; clientId: string }) => Grant;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResult,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResult,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }

  export namespace interactionPolicy {
    class Check {
      constructor(reason: string, description: string, error: string, check: (ctx: ProviderContext) => boolean | Promise<boolean>);
      readonly reason: string;
      readonly description: string;
      readonly error: string;
      readonly check: (ctx: ProviderContext) => boolean | Promise<boolean>;
    }
    interface PromptChecks extends Array<Check> {
      add(check: Check, index?: number): void;
    }
    interface Prompt {
      readonly name: string;
      readonly checks: PromptChecks;
    }
    interface Policy extends Array<Prompt> {
      get(name: string): Prompt | undefined;
    }
    /** The default policy: the login and consent prompts with their checks. */
    function base(): Policy;
  }

  export namespace errors {
    class OIDCProviderError extends Error {
      constructor(status: number, message: string);
      error: string;
      error_description?: string;
      status: number;
      statusCode: number;
      expose: boolean;
    }
    /** The interaction (or its cookie) is gone: finished, expired or never existed. */
    class SessionNotFound extends OIDCProviderError {}
    class InvalidTarget extends OIDCProviderError {
      constructor(description?: string);
    }
    class InvalidClient extends OIDCProviderError {
      constructor(description?: string, detail?: string);
    }
  }

  export default Provider;
}
