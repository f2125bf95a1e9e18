import type { IncomingMessage } from 'node:http';
import { errors, type InteractionDetails, type InteractionResult, type Provider, type ProviderContext } from 'oidc-provider';
import { checkCredentials } from './accounts.ts';
import { loginPage } from './pages.ts';

/**
 * The login and (silent) consent steps of the IdP. Mounted in front of oidc-provider's own
 * routes. The SPA is first-party: its consent is granted here without a screen.
 */
export const INTERACTION_PREFIX = '/interaction/';

const MAX_FORM_BYTES = 8 * 1024;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw Object.assign(new Error('form too large'), { status: 413 });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Grants exactly what the first-party client asked for: the scopes, claims and API scopes. */
async function grantConsent(provider: Provider, details: InteractionDetails): Promise<string> {
  const accountId = details.session?.accountId;
  const clientId = details.params.client_id;
  if (accountId === undefined || typeof clientId !== 'string') throw new Error('interaction without session');
  const grant = new provider.Grant({ accountId, clientId });
  const d = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (d.missingOIDCScope?.length) grant.addOIDCScope(d.missingOIDCScope.join(' '));
  if (d.missingOIDCClaims?.length) grant.addOIDCClaims(d.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
    if (scopes.length) grant.addResourceScope(resource, scopes.join(' '));
  }
  return grant.save();
}

async function finish(provider: Provider, ctx: ProviderContext, result: InteractionResult, merge: boolean) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

function renderLogin(ctx: ProviderContext, uid: string, extra: { username?: string; error?: string } = {}) {
  ctx.type = 'html';
  ctx.body = loginPage({
    action: `${INTERACTION_PREFIX}${uid}/login`,
    cancelHref: `${INTERACTION_PREFIX}${uid}/abort`,
    clientName: 'Todos',
    ...extra,
  });
}

/**
 * Returns true when it answered the request. `appHome` is where a browser goes back to when it
 * reloads a login page whose sign-in already finished or expired: pressing Back after signing in
 * lands here, and the user should see the app, not an error (issue 4).
 */
export async function handleInteraction(provider: Provider, ctx: ProviderContext, appHome: string): Promise<boolean> {
  const rest = ctx.path.slice(INTERACTION_PREFIX.length);
  const [uid, action, ...more] = rest.split('/');
  if (uid === undefined || uid === '' || more.length > 0) return false;
  const { req, res } = ctx;

  if (ctx.method === 'GET' && action === undefined) {
    const details = await provider.interactionDetails(req, res).catch((err: unknown) => {
      if (err instanceof errors.SessionNotFound) return undefined;
      throw err;
    });
    if (details === undefined) {
      ctx.status = 303;
      ctx.redirect(appHome);
      return true;
    }
    if (details.uid !== uid) return false;
    if (details.prompt.name === 'login') {
      renderLogin(ctx, uid);
      return true;
    }
    if (details.prompt.name === 'consent') {
      const grantId = await grantConsent(provider, details);
      await finish(provider, ctx, { consent: { grantId } }, true);
      return true;
    }
    return false;
  }

  if (ctx.method === 'POST' && action === 'login') {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid || details.prompt.name !== 'login') return false;
    const form = await readForm(req);
    const username = form.get('username') ?? '';
    const user = checkCredentials(username, form.get('password') ?? '');
    if (user === undefined) {
      ctx.status = 401;
      renderLogin(ctx, uid, { username, error: 'Wrong username or password.' });
      return true;
    }
    await finish(provider, ctx, { login: { accountId: user.sub } }, false);
    return true;
  }

  if (ctx.method === 'GET' && action === 'abort') {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return false;
    await finish(
      provider,
      ctx,
      {
        error: 'access_denied',
        error_description: 'The user cancelled the sign-in.',
      },
      false,
    );
    return true;
  }
  return false;
}
