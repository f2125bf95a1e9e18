import { expect } from '@open-wc/testing';
import { cleanUrl } from '../../src/vault/callback-scrub.ts';

const at = (path: string) => cleanUrl(`https://app.example${path}`);

describe('callback-scrub: what leaves the address bar on load', () => {
  it('the ?state= of the IdP’s post-logout redirect (issue 9)', () => {
    expect(at('/?state=Zx81')).to.include({ clean: '/' });
    expect(at('/todos?state=Zx81&filter=open')).to.include({ clean: '/todos?filter=open' });
  });

  it('the stray # after sign-in, which location.hash does not show (issue 9)', () => {
    expect(at('/#')).to.include({ clean: '/' });
    expect(at('/todos?filter=open#')).to.include({ clean: '/todos?filter=open' });
    expect(new URL('https://app.example/#').hash).to.equal('');
  });

  it('auth_error, read first', () => {
    expect(at('/?auth_error=access_denied#')).to.deep.equal({ clean: '/', authError: 'access_denied', restartSignIn: false });
  });

  it('an unknown auth_error is removed but not believed', () => {
    expect(at('/?auth_error=%3Cscript%3E')).to.deep.equal({ clean: '/', authError: null, restartSignIn: false });
  });

  it('the sign-in restart marker, read first', () => {
    expect(at('/?signin=restart')).to.deep.equal({ clean: '/', authError: null, restartSignIn: true });
  });

  it('leaves an ordinary address alone', () => {
    expect(at('/todos?filter=open#top')).to.include({ clean: null });
    expect(at('/')).to.include({ clean: null });
  });
});
