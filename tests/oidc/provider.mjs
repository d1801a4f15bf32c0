// A real OpenID provider for Sinau's SSO tests: panva's certified oidc-provider, configured small.
//
//   node tests/oidc/provider.mjs PORT
//
// Settings come from the environment, so a test can point the one client at its own Sinau:
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET                   the confidential client Sinau uses
//   OIDC_REDIRECT_URIS, OIDC_POST_LOGOUT_REDIRECT_URIS   space-separated, exact
//   OIDC_ACCOUNTS                                        a JSON file: [{sub, nip, email, email_verified, name}]
//
// Logging in uses the library's own development pages (devInteractions): any password is taken,
// the login names the account's `sub`. An unknown `sub` has no account, as at a real provider.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const port = Number(process.argv[2] || process.env.OIDC_PORT);
if (!port) {
  console.error('usage: node provider.mjs PORT');
  process.exit(2);
}
const words = (name) => (process.env[name] || '').split(/\s+/).filter(Boolean);
const accounts = new Map(
  JSON.parse(readFileSync(process.env.OIDC_ACCOUNTS, 'utf8')).map((account) => [account.sub, account]),
);
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: words('OIDC_REDIRECT_URIS'),
    post_logout_redirect_uris: words('OIDC_POST_LOGOUT_REDIRECT_URIS'),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  // The NIP travels with the `profile` scope, as a Keycloak mapper on that scope would send it.
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'nip'],
  },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { ...account };
      },
    };
  },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  jwks: { keys: [{ ...signingKey, use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
});

// The library's pages pull a web font from the internet; a browser here must stay on 127.0.0.1.
provider.use(async (ctx, next) => {
  await next();
  ctx.set('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'");
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on http://127.0.0.1:${port}`);
});
