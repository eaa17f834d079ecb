// A real OpenID provider for Lägesbild's SSO tests: oidc-provider on loopback, one client, a few users.
//
// Configuration comes from the environment (set by tests/e2e/test_sso.py):
//   OIDC_PORT           the port to listen on (127.0.0.1)
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI, OIDC_POST_LOGOUT_REDIRECT_URI
//   OIDC_USERS          JSON {"login name": {"email": "...", "name": "..."}}
//   OIDC_CLOCK_AT       the test clock's moment (seconds since the epoch): the provider's time starts
//                       there and runs on, so the tokens it signs agree with the app's fixed clock.
// Login uses oidc-provider's development interactions (a login form that takes any password, then a
// consent button). It prints "listening <issuer>" once it accepts connections.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const users = JSON.parse(process.env.OIDC_USERS || '{}');

if (process.env.OIDC_CLOCK_AT) {
  const realStart = Date.now();
  const offset = Number(process.env.OIDC_CLOCK_AT) * 1000 - realStart;
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + offset;
}

const twoDays = 2 * 24 * 3600;
const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    post_logout_redirect_uris: [process.env.OIDC_POST_LOGOUT_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  async findAccount(ctx, id) {
    const user = users[id] || { email: `${id}@example.invalid`, name: id };
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: user.email, email_verified: true, name: user.name };
      },
    };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true, methods: ['S256'] },
  // The app's clock stands still in the tests while the browser's runs: long lifetimes keep the
  // provider's cookies alive whatever the distance between the two.
  ttl: { Interaction: twoDays, Session: twoDays, Grant: twoDays, IdToken: 3600, AccessToken: 3600,
         AuthorizationCode: 600 },
  cookies: { keys: ['lagesbild-test-only-cookie-key'] },
});
provider.proxy = false;

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
